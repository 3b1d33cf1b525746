#!/usr/bin/env bash
# Runs Comptoir's OCI image without a container daemon, for the tests: unpacks the image's layers
# into a root file system, then starts its entrypoint there as a container runtime would: as the
# image's user, in its working folder, with its environment (plus an env file, as compose's
# env_file), in a mount and PID namespace of its own (unshare) where the config folder is mounted
# read-only at /etc/comptoir as in docs/compose.example.yaml. The data volume is the image's own
# /var/lib/comptoir (a new volume starts as a copy of it). The network is the host's. Needs root.
#
#   .ci/oci-run.sh unpack IMAGE.tar ROOTFS
#   .ci/oci-run.sh run ROOTFS CONFIG_DIR ENV_FILE [ARGS...]   # no ARGS: the image's command
#
# Stopping `run` (SIGTERM, SIGINT) stops the container's process with SIGTERM; `run` ends with it,
# with its exit status.
set -euo pipefail

die() { printf 'oci-run: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (unshare, mount, chroot)"

case "${1:-}" in
  unpack)
    image="$2" root="$3"
    [ -f "$image" ] || die "$image not found (mvn -Poci package -pl dist -am)"
    rm -rf "$root" "$root.image"
    mkdir -p "$root" "$root.image"
    tar -xf "$image" -C "$root.image"
    # the layers in order (none of Jib's nor the base's has whiteout files)
    python3 - "$root.image/manifest.json" <<'PY' | while IFS= read -r layer; do tar -xzpf "$root.image/$layer" -C "$root" --numeric-owner; done
import json, sys
for layer in json.load(open(sys.argv[1]))[0]["Layers"]:
    print(layer)
PY
    cp "$root.image/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$root.image/manifest.json")" "$root.config.json"
    rm -rf "$root.image"
    echo "$root"
    ;;
  run)
    root="$2" config_dir="$3" env_file="$4"
    shift 4
    [ -f "$root.config.json" ] || die "$root is not unpacked ($0 unpack IMAGE.tar $root)"
    [ -d "$config_dir" ] || die "$config_dir is not a folder"
    # user, working folder and the command line, quoted for the shell, from the image's config
    eval "$(python3 - "$root.config.json" "$env_file" "$@" <<'PY'
import json, shlex, sys
config = json.load(open(sys.argv[1]))["config"]
env = list(config.get("Env") or [])
if sys.argv[2] and sys.argv[2] != "-":
    for line in open(sys.argv[2]):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            env.append(line)
args = sys.argv[3:] or (config.get("Cmd") or [])
command = (config.get("Entrypoint") or []) + args
user = config.get("User") or "0:0"
if ":" not in user:
    user += ":" + user
print("user=" + shlex.quote(user))
print("workdir=" + shlex.quote(config.get("WorkingDir") or "/"))
print("envs=(" + " ".join(shlex.quote(e) for e in env) + ")")
print("command=(" + " ".join(shlex.quote(c) for c in command) + ")")
PY
)"
    export OCI_ROOT="$root" OCI_CONFIG="$config_dir"
    # unshare --fork ignores SIGTERM itself: pass it on to the container's first process
    unshare --mount --pid --fork --kill-child=SIGTERM --propagation private -- bash -c '
      set -e
      r="$OCI_ROOT"
      mkdir -p "$r/etc/comptoir" "$r/proc" "$r/dev"
      mount --bind "$OCI_CONFIG" "$r/etc/comptoir"
      mount -o remount,bind,ro "$r/etc/comptoir"
      mount -t proc proc "$r/proc"
      mount -t tmpfs -o mode=755,nosuid tmpfs "$r/dev"
      for d in null zero full random urandom tty; do touch "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
      for f in hosts resolv.conf; do [ -e "$r/etc/$f" ] || touch "$r/etc/$f"; mount --bind "/etc/$f" "$r/etc/$f"; done
      user="$0" workdir="$1"
      shift
      exec chroot --userspec="$user" "$r" /usr/bin/env -i -C "$workdir" "$@"
    ' "$user" "$workdir" "${envs[@]}" "${command[@]}" &
    ns=$!
    stop() { kill -TERM $(ps -o pid= --ppid "$ns") 2>/dev/null || true; }
    trap stop TERM INT
    status=0
    wait "$ns" || status=$?
    # a trapped signal ends the first wait: wait for the container's own end
    while kill -0 "$ns" 2>/dev/null; do wait "$ns" || status=$?; done
    exit "$status"
    ;;
  *)
    die "usage: $0 unpack IMAGE.tar ROOTFS | run ROOTFS CONFIG_DIR ENV_FILE [ARGS...]"
    ;;
esac
