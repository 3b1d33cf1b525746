#!/usr/bin/env bash
# Try Comptoir without a homeserver of your own: builds the jar if needed, installs Synapse in a
# Python venv (scripts/install-synapse.sh), runs a throwaway homeserver on 127.0.0.1 with Comptoir
# registered as its appservice, creates a user for you and runs Comptoir in the foreground.
# Log in with any Matrix client (Element…) using the printed homeserver URL, user and password.
# Ctrl-C stops both. Everything lives in .local/try/ (git-ignored) and is recreated on each run.
#
# Environment: TRY_SYNAPSE_PORT (default 8008), TRY_APPSERVICE_PORT (default 29330),
# TRY_USER (default: you), COMPTOIR_JAR (default: dist/target/comptoir.jar, built when missing).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
dir=$root/.local/try
server_name=localhost
synapse_port=${TRY_SYNAPSE_PORT:-8008}
appservice_port=${TRY_APPSERVICE_PORT:-29330}
user=${TRY_USER:-you}
jar=${COMPTOIR_JAR:-$root/dist/target/comptoir.jar}

say() { printf 'try-local: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17 or newer"
command -v curl >/dev/null 2>&1 || die "curl not found (Debian: apt-get install curl)"

if [ ! -f "$jar" ]; then
  say "building $jar (once)"
  mvn -B -q package -DskipTests
fi
venv=$(scripts/install-synapse.sh)
python=$venv/bin/python

port_free() { ! "$python" -c 'import socket,sys; s=socket.socket(); s.connect(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }
port_free "$synapse_port" || die "port $synapse_port is taken: set TRY_SYNAPSE_PORT"
port_free "$appservice_port" || die "port $appservice_port is taken: set TRY_APPSERVICE_PORT"

rm -rf -- "$dir"
mkdir -p "$dir/synapse/media_store"
secret=$("$python" -c 'import secrets; print(secrets.token_hex(24))')

# --- Comptoir: config, then the registration made from it --------------------------------------
cat > "$dir/comptoir.yaml" <<YAML
homeserver:
  url: "http://127.0.0.1:$synapse_port"
  server_name: "$server_name"
appservice:
  id: comptoir-try
  bind: 127.0.0.1
  port: $appservice_port
  public_url: "http://127.0.0.1:$appservice_port"
  registration: "$dir/registration.yaml"
  sender_localpart: comptoir
  display_name: Comptoir
database:
  url: "jdbc:sqlite:$dir/comptoir.db"
commands:
  admins: ["@$user:$server_name"]
YAML
java -jar "$jar" generate-registration --config "$dir/comptoir.yaml" --output "$dir/registration.yaml" >&2

# --- Synapse ----------------------------------------------------------------------------------
cat > "$dir/synapse/log.yaml" <<YAML
version: 1
formatters:
  plain: {format: "%(asctime)s %(levelname)s %(name)s: %(message)s"}
handlers:
  file: {class: logging.FileHandler, filename: "$dir/synapse/homeserver.log", formatter: plain, encoding: utf8}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
YAML
limit='{per_second: 9999, burst_count: 9999}'
cat > "$dir/synapse/homeserver.yaml" <<YAML
server_name: "$server_name"
public_baseurl: "http://127.0.0.1:$synapse_port/"
pid_file: "$dir/synapse/homeserver.pid"
listeners:
  - {port: $synapse_port, bind_addresses: [127.0.0.1], type: http, tls: false, x_forwarded: false,
     resources: [{names: [client], compress: false}]}
database: {name: sqlite3, args: {database: "$dir/synapse/homeserver.db"}}
log_config: "$dir/synapse/log.yaml"
media_store_path: "$dir/synapse/media_store"
signing_key_path: "$dir/synapse/signing.key"
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
enable_registration: false
registration_shared_secret: "$secret"
macaroon_secret_key: "$("$python" -c 'import secrets; print(secrets.token_hex(24))')"
form_secret: "$("$python" -c 'import secrets; print(secrets.token_hex(24))')"
bcrypt_rounds: 4
app_service_config_files: ["$dir/registration.yaml"]
rc_message: $limit
rc_registration: $limit
rc_login: {address: $limit, account: $limit, failed_attempts: $limit}
rc_joins: {local: $limit, remote: $limit}
rc_joins_per_room: $limit
rc_invites: {per_room: $limit, per_user: $limit, per_issuer: $limit}
rc_room_creation: $limit
YAML
"$python" -m synapse.app.homeserver --generate-keys --config-path "$dir/synapse/homeserver.yaml" >/dev/null

synapse_pid=
stop_synapse() {
  if [ -n "$synapse_pid" ] && kill -0 "$synapse_pid" 2>/dev/null; then
    say "stopping Synapse"
    kill "$synapse_pid" 2>/dev/null || true
    wait "$synapse_pid" 2>/dev/null || true
  fi
}
trap stop_synapse EXIT
trap 'exit 130' INT TERM

say "starting Synapse on http://127.0.0.1:$synapse_port (log: $dir/synapse/homeserver.log)"
"$python" -m synapse.app.homeserver --config-path "$dir/synapse/homeserver.yaml" > "$dir/synapse/console.log" 2>&1 &
synapse_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$synapse_port/_matrix/client/versions" >/dev/null 2>&1 && break
  kill -0 "$synapse_pid" 2>/dev/null || { tail -n 30 "$dir/synapse/console.log" "$dir/synapse/homeserver.log" >&2; die "Synapse exited"; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$synapse_port/_matrix/client/versions" >/dev/null || die "Synapse did not start; see $dir/synapse/"

# --- a user for you, through the shared-secret admin API ----------------------------------------
read -r user_id password < <("$python" - "http://127.0.0.1:$synapse_port" "$secret" "$user" <<'PY'
import hashlib, hmac, json, secrets, sys, urllib.request

base, secret, user = sys.argv[1:4]
url = base + "/_synapse/admin/v1/register"
nonce = json.load(urllib.request.urlopen(url))["nonce"]
password = secrets.token_urlsafe(12)
message = b"\0".join(part.encode() for part in (nonce, user, password, "notadmin"))
mac = hmac.new(secret.encode(), message, hashlib.sha1).hexdigest()
body = {"nonce": nonce, "username": user, "password": password, "admin": False, "mac": mac}
request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["user_id"], password)
PY
)
[ -n "${password:-}" ] || die "could not register $user"

cat >&2 <<INFO

  Homeserver  http://127.0.0.1:$synapse_port
  User        $user_id
  Password    $password

  Log in with any Matrix client (e.g. Element: "Edit" the homeserver, enter the URL above),
  create a room WITHOUT end-to-end encryption (Element: in the "New room" dialog, turn off
  "Enable end-to-end encryption": Comptoir cannot read encrypted rooms yet),
  invite @comptoir:$server_name and say !ping
  Ctrl-C stops Comptoir and Synapse. Files: $dir

INFO

java -jar "$jar" run --config "$dir/comptoir.yaml"
