import { connect } from "cloudflare:sockets";
export default { async fetch() { const s = connect({hostname:"127.0.0.2", port:34983}); const w = s.writable.getWriter(); await w.write(new TextEncoder().encode("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")); const r = await new Response(s.readable).text(); return new Response(r); } };
