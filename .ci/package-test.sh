#!/usr/bin/env bash
# Installs the Debian package built by `mvn -Pdeb` on this machine, as an admin would, and checks
# it: comptoir --version, generate-registration and check-config against the packaged config (as
# root, then as the comptoir user the unit runs as), systemd-analyze verify on the unit.
# Usage: bash .ci/package-test.sh dist/target/comptoir_<version>_all.deb <version>
set -euo pipefail
deb="$1"
version="$2"
as_root() { if [ "$(id -u)" = "0" ]; then "$@"; else sudo -n "$@"; fi; }
fail() { printf '.ci/package-test: %s\n' "$*" >&2; exit 1; }

[ -f "$deb" ] || fail "$deb not found (build it with mvn -Pdeb package)"
# keep an admin's edited config on upgrade, as an interactive upgrade would by default
as_root env DEBIAN_FRONTEND=noninteractive dpkg -i --force-confdef --force-confold "$deb" \
  || { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -f && as_root dpkg -s comptoir >/dev/null; } \
  || fail "dpkg -i $deb failed"

for f in /usr/bin/comptoir /usr/share/comptoir/comptoir.jar /lib/systemd/system/comptoir.service \
         /etc/comptoir/comptoir.yaml /etc/comptoir/comptoir.env /usr/share/doc/comptoir/examples/logback.xml; do
  [ -e "$f" ] || fail "$f not installed"
done
getent passwd comptoir >/dev/null || fail "no comptoir user"
for f in /etc/comptoir/comptoir.yaml /etc/comptoir/comptoir.env; do
  perms="$(stat -c '%U:%G %a' "$f")"
  [ "$perms" = "root:comptoir 640" ] || fail "$f is $perms, expected root:comptoir 640"
done
[ "$(stat -c '%U:%G' /var/lib/comptoir)" = "comptoir:comptoir" ] || fail "/var/lib/comptoir is not comptoir's"

got="$(comptoir --version)"
[ "$got" = "comptoir $version" ] || fail "comptoir --version says '$got', expected 'comptoir $version'"
echo "package: $got"

# The admin's steps from a root shell: the packaged config as it comes.
as_root comptoir generate-registration >/dev/null
as_root chown comptoir:comptoir /etc/comptoir/registration.yaml
as_root chmod 0640 /etc/comptoir/registration.yaml
as_root comptoir check-config
# The service's user reads the config, the environment file and the registration.
as_root runuser -u comptoir -- comptoir check-config --config /etc/comptoir/comptoir.yaml >/dev/null \
  || fail "check-config as the comptoir user failed"

if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify /lib/systemd/system/comptoir.service || fail "systemd-analyze verify failed"
  echo "package: systemd-analyze verify OK"
else
  echo "package: systemd-analyze not available, the unit is not verified" >&2
fi
echo "package: installed and checked"
