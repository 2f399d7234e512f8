using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w), (name = "loopback", network = (allow = ["local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:18787", http = (), service = "main") ],
);
const w :Workerd.Worker = ( modules = [ (name = "w.js", esModule = embed "w.js") ], compatibilityDate = "2026-04-01", globalOutbound = "loopback" );
