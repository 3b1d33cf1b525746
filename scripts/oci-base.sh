#!/usr/bin/env bash
# Builds the base of Comptoir's OCI image from Debian packages alone, without a container daemon or
# registry: a minimal Debian 12 (debootstrap) with openjdk-17-jre-headless and its security
# updates, packed as an image tarball (the `docker save` layout: manifest.json, config, one layer)
# that Jib takes as its base with `tar://`. Prints the tarball's path (and nothing else) on stdout.
#
#   scripts/oci-base.sh        # -> $COMPTOIR_OCI_BASE or ~/.cache/comptoir/oci-base/debian12-jre17.tar
#
# Reused while younger than COMPTOIR_OCI_BASE_MAX_AGE_DAYS (default 7): delete it, or set 0, to
# take the latest security updates now. Needs root (debootstrap, chroot) and debootstrap, tar,
# sha256sum, python3. Progress goes to stderr.
#
# Environment:
#   COMPTOIR_OCI_BASE               where the tarball goes
#   COMPTOIR_OCI_BASE_MAX_AGE_DAYS  age after which it is built again (default 7)
#   COMPTOIR_DEBIAN_MIRROR          Debian mirror (default http://deb.debian.org/debian)
#   COMPTOIR_DEBIAN_SECURITY        security mirror (default http://deb.debian.org/debian-security)
set -euo pipefail

out=${COMPTOIR_OCI_BASE:-$HOME/.cache/comptoir/oci-base/debian12-jre17.tar}
max_age=${COMPTOIR_OCI_BASE_MAX_AGE_DAYS:-7}
mirror=${COMPTOIR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${COMPTOIR_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

say() { printf 'oci-base: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

if [ -f "$out" ] && [ -n "$(find "$out" -mtime -"$max_age" 2>/dev/null)" ]; then
  say "reusing $out (younger than $max_age days)"
  echo "$out"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "run as root: debootstrap and chroot need it"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
command -v python3 >/dev/null || die "python3 is missing"

arch="$(dpkg --print-architecture)"
case "$arch" in
  amd64|arm64) ;;
  *) die "architecture $arch: only amd64 and arm64 are built" ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/comptoir-oci-base.XXXXXX")"
rootfs="$work/rootfs"
cleanup() {
  umount "$rootfs/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say "debootstrap bookworm ($arch) with openjdk-17-jre-headless from $mirror"
debootstrap --variant=minbase --arch="$arch" --include=openjdk-17-jre-headless,ca-certificates \
  bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }

say "security and point-release updates"
cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade >&2
chroot "$rootfs" java -version 2>&1 | head -n 1 >&2
java_home="$(dirname "$(dirname "$(chroot "$rootfs" readlink -f /usr/bin/java)")")"
umount "$rootfs/proc"

say "trimming (apt caches and lists, docs, man pages, logs)"
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
       "$rootfs"/usr/share/info/* "$rootfs"/var/log/* "$rootfs"/var/cache/debconf/*-old \
       "$rootfs"/tmp/* "$rootfs"/dev/* "$rootfs"/proc/* "$rootfs"/sys/*
# the container runtime provides /etc/hosts, /etc/resolv.conf and /etc/hostname
: >"$rootfs/etc/hostname"
# the image's user (uid 10001, as the image's config says) and the folders it mounts: a new volume
# on /var/lib/comptoir starts as the image's folder, so it must be the user's already
chroot "$rootfs" groupadd --system --gid 10001 comptoir
chroot "$rootfs" useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/comptoir --no-create-home \
  --shell /usr/sbin/nologin comptoir
install -d -m 0750 -o 10001 -g 10001 "$rootfs/var/lib/comptoir"
install -d -m 0755 "$rootfs/etc/comptoir"

say "packing the image tarball"
mkdir -p "$work/image"
epoch="${SOURCE_DATE_EPOCH:-$(date +%s)}"
tar --sort=name --numeric-owner --mtime="@$epoch" --clamp-mtime -C "$rootfs" -cf "$work/image/layer.tar" .
python3 - "$work/image" "$arch" "$java_home" "$epoch" <<'PY'
import hashlib, json, sys, datetime
folder, arch, java_home, epoch = sys.argv[1:]
h = hashlib.sha256()
with open(folder + "/layer.tar", "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
diff_id = "sha256:" + h.hexdigest()
created = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
config = {
    "architecture": arch,
    "os": "linux",
    "created": created,
    "config": {
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME=" + java_home, "LANG=C.UTF-8", "HOME=/var/lib/comptoir"],
    },
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": created, "created_by": "scripts/oci-base.sh: debootstrap bookworm + openjdk-17-jre-headless"}],
}
data = json.dumps(config, sort_keys=True).encode()
name = hashlib.sha256(data).hexdigest() + ".json"
with open(folder + "/" + name, "wb") as f:
    f.write(data)
with open(folder + "/manifest.json", "w") as f:
    json.dump([{"Config": name, "RepoTags": ["comptoir-base:debian12-jre17"], "Layers": ["layer.tar"]}], f)
PY
mkdir -p "$(dirname "$out")"
# members named without "./" (Jib refuses an entry named "./")
(cd "$work/image" && tar --sort=name --numeric-owner --mtime="@$epoch" -cf "$out.part" -- *)
mv -f "$out.part" "$out"
say "$out ($(du -h "$out" | cut -f1))"
echo "$out"
