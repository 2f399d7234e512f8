import { describe, expect, test } from "vitest";
import { sealTable, serializeTable } from "../../../core/table/hash-table.ts";
import { TABLE_SCHEMA } from "../../../core/table/schema.ts";
import { fanOutPublisher } from "../../../sync-agent/local/fan-out-publisher.ts";
import { PublishError } from "../../../sync-agent/push/table-publisher.ts";
import { RecordingPublisher } from "../support/recording-publisher.ts";

const table = await sealTable({ schema: TABLE_SCHEMA, nodes: [], hosts: [], defaultBackend: null, backends: [], tls: [], problems: [] }, 1);

describe("fanOutPublisher", () => {
  test("gives every publisher the same table and reports it published once all took it", async () => {
    const [a, b] = [new RecordingPublisher(), new RecordingPublisher()];
    const seen: string[] = [];
    await fanOutPublisher([a, b], (published) => seen.push(published.version)).publish(table, serializeTable(table));
    expect(a.published.map((p) => p.body)).toEqual([serializeTable(table)]);
    expect(b.published.map((p) => p.body)).toEqual([serializeTable(table)]);
    expect(seen).toEqual([table.version]);
  });

  test("fails with the failure when one publisher fails, and reports nothing published", async () => {
    const [a, b] = [new RecordingPublisher(), new RecordingPublisher()];
    b.failNext(1);
    const seen: string[] = [];
    const publisher = fanOutPublisher([a, b], (published) => seen.push(published.version));
    await expect(publisher.publish(table, serializeTable(table))).rejects.toBeInstanceOf(PublishError);
    expect(a.published).toHaveLength(1);
    expect(seen).toEqual([]);
    expect(publisher.destination).toBe("memory + memory");
  });
});
