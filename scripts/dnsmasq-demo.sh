#!/usr/bin/env bash
# Serves the Clavier sample's demo records from a real DNS server, dnsmasq, on 127.0.0.1, in
# the foreground (Ctrl-C stops it). Then, in another terminal, run the sample against it:
#
#   ./mvnw -pl clavier-sample-app -am spring-boot:run -Dspring-boot.run.profiles=dnsmasq
#
# The "dnsmasq" profile (clavier-sample-app/src/main/resources/application-dnsmasq.yml) does not
# start the built-in DNS server, asks 127.0.0.1:15353, and starts the demo backends on the
# fixed ports these records name: HTTP 18080 on 127.0.0.1-3, gRPC 19090 on 127.0.0.1-2.
#
# Records (TTL 5 s):
#   backend.demo.test             A    127.0.0.1, 127.0.0.2, 127.0.0.3
#   grpc-1.demo.test              A    127.0.0.1
#   grpc-2.demo.test              A    127.0.0.2
#   _grpc._tcp.greeter.demo.test  SRV  0 10 19090 grpc-1.demo.test, 0 10 19090 grpc-2.demo.test
#
# The A records live in a hosts file (its path is printed); edit it and send SIGHUP to dnsmasq
# to change them while the sample runs, for example to drop 127.0.0.3 from backend.demo.test.
#
# Options (or environment variables):
#   --port N        DNS port (DNSMASQ_PORT, default 15353; 5353 is avoided, mDNS uses it)
#   --grpc-port N   port in the SRV records (DEMO_GRPC_PORT, default 19090)
#   --log-queries   log every query
# Needs dnsmasq: on Debian or Ubuntu, apt-get install -y dnsmasq-base (the binary alone).
set -euo pipefail

port="${DNSMASQ_PORT:-15353}"
grpc_port="${DEMO_GRPC_PORT:-19090}"
log_queries=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --grpc-port) grpc_port="$2"; shift 2 ;;
    --log-queries) log_queries=(--log-queries); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "dnsmasq-demo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

dnsmasq="$(command -v dnsmasq || true)"
if [ -z "$dnsmasq" ] && [ -x /usr/sbin/dnsmasq ]; then
  dnsmasq=/usr/sbin/dnsmasq
fi
if [ -z "$dnsmasq" ]; then
  echo "dnsmasq-demo: dnsmasq not found; on Debian or Ubuntu: apt-get install -y dnsmasq-base" >&2
  exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/clavier-dnsmasq-demo.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
cat > "$dir/hosts" <<HOSTS
127.0.0.1 backend.demo.test
127.0.0.2 backend.demo.test
127.0.0.3 backend.demo.test
127.0.0.1 grpc-1.demo.test
127.0.0.2 grpc-2.demo.test
HOSTS

run_args=""
if [ "$port" != "15353" ] || [ "$grpc_port" != "19090" ]; then
  run_args=" -Dspring-boot.run.arguments=\"--demo.dns.external=127.0.0.1:$port --demo.grpc.port=$grpc_port\""
fi
cat <<INFO
dnsmasq-demo: serving demo.test on 127.0.0.1:$port (UDP and TCP); Ctrl-C stops it.
  hosts file: $dir/hosts (edit it, then reload it: kill -HUP $$)
  try:        dig @127.0.0.1 -p $port backend.demo.test A
              dig @127.0.0.1 -p $port _grpc._tcp.greeter.demo.test SRV
Run the sample against it, from the repository root, in another terminal:
  ./mvnw -pl clavier-sample-app -am spring-boot:run -Dspring-boot.run.profiles=dnsmasq$run_args
INFO

"$dnsmasq" --keep-in-foreground --conf-file=/dev/null --pid-file= --no-resolv --no-hosts \
  --addn-hosts="$dir/hosts" --listen-address=127.0.0.1 --bind-interfaces --port="$port" \
  --local=/demo.test/ --local-ttl=5 --user="$(id -un)" --log-facility=- ${log_queries[@]+"${log_queries[@]}"} \
  --srv-host=_grpc._tcp.greeter.demo.test,grpc-1.demo.test,"$grpc_port",0,10 \
  --srv-host=_grpc._tcp.greeter.demo.test,grpc-2.demo.test,"$grpc_port",0,10 &
child=$!
trap 'kill "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
trap 'kill -HUP "$child"' HUP
echo "dnsmasq-demo: dnsmasq pid $child"
# "wait" returns early when a trapped signal (HUP) arrives: keep waiting while dnsmasq runs.
status=0
while kill -0 "$child" 2>/dev/null; do
  wait "$child" && status=0 || status=$?
done
exit "$status"
