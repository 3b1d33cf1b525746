#!/usr/bin/env bash
# Try Comptoir without a homeserver of your own: builds the jar if needed, installs Synapse in a
# Python venv (scripts/install-synapse.sh), runs a throwaway homeserver on 127.0.0.1 with Comptoir
# registered as its appservice, creates a user for you and runs Comptoir in the foreground.
# Log in with any Matrix client (Element…) using the printed homeserver URL, user and password.
# Ctrl-C stops both. Everything lives in .local/try/ (git-ignored) and is recreated on each run.
#
# By default it sets up a small demo coop: a help room where the welcome plugin greets you, a
# team room with a shift reminder due two minutes after the start, and !visio (meet.jit.si) in
# every room; it prints what to try. --core-only runs the core alone, as before (!ping, !aide).
#
#   scripts/try-local.sh [--core-only] [--lang fr|en]
#
# Environment: TRY_SYNAPSE_PORT (default 8008), TRY_APPSERVICE_PORT (default 29330),
# TRY_USER (default: you), TRY_LANG (fr or en, default fr), TRY_ZONE (the demo coop's time zone,
# default Europe/Paris), TRY_DIR (default .local/try: emptied on each run),
# COMPTOIR_JAR (default: dist/target/comptoir.jar, built when missing).
set -euo pipefail

demo=1
lang=${TRY_LANG:-fr}
while [ $# -gt 0 ]; do
  case "$1" in
    --core-only) demo=0 ;;
    --lang) [ $# -ge 2 ] || { echo "try-local: --lang needs fr or en" >&2; exit 2; }; lang=$2; shift ;;
    --lang=*) lang=${1#--lang=} ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "try-local: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$lang" in fr|en) ;; *) echo "try-local: --lang is fr or en, not $lang" >&2; exit 2 ;; esac

cd "$(dirname "$0")/.."
root=$PWD
dir=${TRY_DIR:-$root/.local/try}
server_name=localhost
synapse_port=${TRY_SYNAPSE_PORT:-8008}
appservice_port=${TRY_APPSERVICE_PORT:-29330}
user=${TRY_USER:-you}
jar=${COMPTOIR_JAR:-$root/dist/target/comptoir.jar}
zone=${TRY_ZONE:-Europe/Paris}

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
  language: $lang
YAML
if [ "$demo" = 1 ]; then
  # The demo coop: rooms made below (before Comptoir starts, which joins them); the shifts file
  # is written just before the start, with a shift whose reminder is due two minutes later.
  cat >> "$dir/comptoir.yaml" <<YAML
plugins:
  - type: welcome
    id: accueil
    coop: "La Coop Démo"
    language: $lang
    greeting:
      fr: >-
        Bienvenue {name} ! 🌱 Toute l'équipe de {coop} est ravie de vous accueillir.
        Essayez !faq, écrivez « horaires », ou !visio pour un lien de visio.
      en: >-
        Welcome {name}! 🌱 Everyone at {coop} is glad you are here.
        Try !faq, write "opening hours", or !visio for a video-call link.
    faq:
      - topic: horaires
        keywords: [horaires, ouvert, "opening hours", open]
        answer:
          fr: "Le magasin est ouvert du mardi au samedi, de 10 h à 20 h."
          en: "The shop is open Tuesday to Saturday, 10 am to 8 pm."
    rooms:
      - room: "#aide:$server_name"
  - type: shifts
    id: services
    zone: $zone
    language: $lang
    address: vous
    anchor: 2026-01-05
    source: {type: yaml, file: "$dir/shifts.yaml"}
    tick: 10s
    teams:
      equipe: "#equipe:$server_name"
    reminders: [10m]
    personal_reminders: []
  - type: visio
    language: $lang
    jitsi:
      url: https://meet.jit.si
YAML
fi
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

# --- the demo coop's rooms, made by its board (@bureau), with you invited ------------------------
if [ "$demo" = 1 ]; then
  "$python" - "http://127.0.0.1:$synapse_port" "$secret" "$user_id" "$lang" <<'PY' \
    || die "could not create the demo rooms"
import hashlib, hmac, json, secrets, sys, urllib.error, urllib.request

base, secret, user_id, lang = sys.argv[1:5]

def call(method, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(base + path, method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
    try:
        return json.load(urllib.request.urlopen(request))
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path}: {e.code} {e.read().decode()}")

url = "/_synapse/admin/v1/register"
nonce = call("GET", url, None)["nonce"]
password = secrets.token_urlsafe(12)
mac = hmac.new(secret.encode(), b"\0".join(p.encode() for p in (nonce, "bureau", password, "notadmin")),
               hashlib.sha1).hexdigest()
board = call("POST", url, {"nonce": nonce, "username": "bureau", "password": password, "admin": False,
                           "mac": mac, "displayname": "Bureau de la coop" if lang == "fr" else "Coop board"})
fr = lang == "fr"
rooms = [("aide", "Aide" if fr else "Help", "Posez vos questions ici" if fr else "Ask your questions here"),
         ("equipe", "Équipe du samedi" if fr else "Saturday team",
          "Les rappels de service arrivent ici" if fr else "Shift reminders come here")]
for alias, name, topic in rooms:
    call("POST", "/_matrix/client/v3/createRoom", {
        "preset": "public_chat", "visibility": "public", "room_alias_name": alias, "name": name,
        "topic": topic, "invite": [user_id]}, board["access_token"])
PY
fi

if [ "$demo" = 0 ]; then
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
else
  # The shift: today (in the coop's zone), starting 10 minutes after the reminder, which is due
  # two minutes from now (rounded up to the minute).
  read -r due start_at < <("$python" - "$zone" "$dir/shifts.yaml" "$user_id" "$lang" <<'PY'
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

zone, path, user_id, lang = sys.argv[1:5]
now = datetime.now(ZoneInfo(zone))
due = (now + timedelta(minutes=2, seconds=59)).replace(second=0, microsecond=0)
start = due + timedelta(minutes=10)
end = min(start + timedelta(hours=2), start.replace(hour=23, minute=59))
title = "Mise en rayon (démo)" if lang == "fr" else "Shelf stocking (demo)"
with open(path, "w") as f:
    f.write(f"""templates:
  - name: demo
    title: "{title}"
    weeks: ABCD
    weekday: {start.strftime('%A').lower()}
    start: "{start:%H:%M}"
    end: "{end:%H:%M}"
    team: equipe
    seats: 4
    members: ["{user_id}", {{name: Camille}}]
""")
print(f"{due:%H:%M}", f"{start:%H:%M}")
PY
  )
  if [ "$lang" = fr ]; then
cat >&2 <<INFO

  Serveur Matrix  http://127.0.0.1:$synapse_port
  Utilisateur     $user_id
  Mot de passe    $password

  Connectez-vous avec un client Matrix (Element : « Modifier » le serveur d'accueil, saisissez
  l'adresse ci-dessus). Comptoir vous a invité·e dans deux salons de La Coop Démo :
   • « Aide » : acceptez l'invitation, le bot d'accueil vous souhaite la bienvenue ;
     essayez !faq, puis écrivez « horaires ».
   • « Équipe du samedi » : un rappel de service y arrive à $due ($zone), pour le créneau
     de $start_at où vous êtes inscrit·e ; !services liste vos prochains créneaux.
  Dans chaque salon : !visio donne le lien de visio du salon (meet.jit.si), !visio <sujet> une
  réunion à part, !aide toutes les commandes, !ping.
  Votre propre salon : dans Element, « Nouveau salon », désactivez « Activer le chiffrement de
  bout en bout » (Comptoir ne lit pas les salons chiffrés), puis invitez @comptoir:$server_name.
  Ctrl-C arrête Comptoir et Synapse. Fichiers : $dir
  (In English: scripts/try-local.sh --lang en)

INFO
  else
cat >&2 <<INFO

  Homeserver  http://127.0.0.1:$synapse_port
  User        $user_id
  Password    $password

  Log in with any Matrix client (e.g. Element: "Edit" the homeserver, enter the URL above).
  Comptoir invited you to two rooms of the Demo Coop:
   • "Help": accept the invitation and the welcome bot greets you; try !faq, then write
     "opening hours".
   • "Saturday team": a shift reminder arrives there at $due ($zone), for the $start_at shift
     you are registered for; !shifts lists your next shifts.
  In any room: !visio gives the room's video-call link (meet.jit.si), !visio <topic> a separate
  meeting, !help every command, !ping.
  Your own room: in Element's "New room" dialog, turn off "Enable end-to-end encryption"
  (Comptoir cannot read encrypted rooms), then invite @comptoir:$server_name.
  Ctrl-C stops Comptoir and Synapse. Files: $dir
  (En français : scripts/try-local.sh)

INFO
  fi
fi

java -jar "$jar" run --config "$dir/comptoir.yaml"
