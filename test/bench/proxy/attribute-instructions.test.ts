import { describe, expect, it } from "vitest";
import { attributeInstructions, classifyFunction } from "../../../bench/proxy/attribute-instructions.ts";

describe("classifyFunction", () => {
  it("sorts the functions of a workerd process by the kind of code they are", () => {
    expect(classifyFunction("0x00000000639ce780")).toBe("javascript");
    expect(classifyFunction("Builtins_StringIndexOf")).toBe("v8-builtins");
    expect(classifyFunction("v8::internal::Heap::Scavenge()")).toBe("garbage-collection");
    expect(classifyFunction("void v8::internal::MarkingVisitorBase<v8::internal::MainMarkingVisitor>::ProcessStrongHeapObject<>()")).toBe("garbage-collection");
    expect(classifyFunction("workerd::jsg::HeapTracer::HeapTracer(v8::Isolate*)::$_1::__invoke()")).toBe("garbage-collection");
    expect(classifyFunction("tcmalloc::tcmalloc_internal::FreeSmallSlow(void*)")).toBe("memory-allocation");
    expect(classifyFunction("operator new[](unsigned long)")).toBe("memory-allocation");
    expect(classifyFunction("workerd::api::Headers::set(workerd::jsg::Lock&, kj::String, kj::String)")).toBe("workerd");
    expect(classifyFunction("_ZN7workerd3jsg14MethodCallbackINS_6server")).toBe("workerd");
    expect(classifyFunction("v8::internal::String::WriteUtf8()")).toBe("v8");
    expect(classifyFunction("kj::HttpHeaders::serialize() const")).toBe("kj");
    expect(classifyFunction("__memcpy_avx_unaligned_erms")).toBe("other");
  });
});

describe("attributeInstructions", () => {
  const over = new Map([
    ["workerd::api::Headers::set(kj::String)", 5_000],
    ["0x0000000000001000", 4_000],
    ["0x0000000000002000", 2_000],
    ["v8::internal::Heap::Scavenge()", 9_000],
    ["kj::EventLoop::turn()", 1_000],
  ]);
  const under = new Map([
    ["0x0000000000003000", 300],
    ["v8::internal::Heap::Scavenge()", 7_000],
    ["kj::EventLoop::turn()", 1_200],
  ]);

  it("sums the difference by kind of code, largest first", () => {
    const { byKind } = attributeInstructions(over, under, 10);
    expect(byKind.map(({ kind, difference }) => [kind, difference])).toEqual([
      ["javascript", 5_700],
      ["workerd", 5_000],
      ["garbage-collection", 2_000],
      ["kj", -200],
    ]);
  });

  it("names the functions behind the difference, JIT code as one, keeping only the top ones", () => {
    const { topFunctions } = attributeInstructions(over, under, 2);
    expect(topFunctions).toEqual([
      { name: "JavaScript (JIT code)", over: 6_000, under: 300, difference: 5_700 },
      { name: "workerd::api::Headers::set(kj::String)", over: 5_000, under: 0, difference: 5_000 },
    ]);
  });
});
