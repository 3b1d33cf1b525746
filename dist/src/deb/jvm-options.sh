# Sourced by the comptoir launchers (/usr/bin/comptoir, ./comptoir in a checkout, bench/startup.sh):
# the one place that turns config/jvm.options (installed as /usr/share/comptoir/jvm.options) into
# JVM options, and adds the class data sharing archive that makes `comptoir run` start faster.
# POSIX sh; starts no JVM.

# comptoir_jvm_options OPTIONS_FILE JAVA CDS_DIR JAR COMMAND
#   Prints the options: the lines of OPTIONS_FILE (without comments), then, for COMMAND "run" when
#   CDS_DIR is a folder this user may write to, the archive options:
#   - Java 19 or newer: -XX:SharedArchiveFile=CDS_DIR/comptoir-<java>.jsa -XX:+AutoCreateSharedArchive
#     (the JVM writes it at the first stop and rewrites it when the jar or the JVM changes);
#   - Java 17/18: the archive of this jar (named after its size and date) when it exists, else
#     -XX:ArchiveClassesAtExit to write it when this run stops.
#   Also for "run", on Java versions known to have it (17.0.15 or newer 17, 22 or newer):
#   -XX:TrimNativeHeapInterval=30000, the memory the JVM's own native allocations freed is given back
#   to the system every 30 s (about 1.2 MiB at idle; an unknown option would stop older JVMs).
#   COMPTOIR_CDS=off leaves the archive out. COMPTOIR_JAVA_OPTS is not read here: the launcher puts
#   it after these options, so that it wins.
comptoir_jvm_options() {
  _opts=
  if [ -r "$1" ]; then
    _opts=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1" | tr '\n' ' ')
  fi
  if [ "$5" = run ]; then
    _full=$(comptoir_java_version "$2")
    _major=${_full%%.*}
    _update=$(printf '%s' "$_full" | cut -d. -f3)
    case "$_major" in ''|*[!0-9]*) _major=0 ;; esac
    case "$_update" in ''|*[!0-9]*) _update=0 ;; esac
    if [ "$_major" -ge 22 ] || { [ "$_major" -eq 17 ] && [ "$_update" -ge 15 ]; }; then
      _opts="$_opts-XX:TrimNativeHeapInterval=30000 "
    fi
  fi
  if [ "$5" = run ] && [ "${COMPTOIR_CDS:-on}" != off ] && [ -n "$3" ] && [ -d "$3" ] && [ -w "$3" ] && [ -f "$4" ]; then
    _version=$(comptoir_java_version "$2")
    _version=${_version%%.*}
    if [ -n "$_version" ] && [ "$_version" -ge 19 ]; then
      _opts="$_opts-XX:SharedArchiveFile=$3/comptoir-java$_version.jsa -XX:+AutoCreateSharedArchive"
    elif [ -n "$_version" ] && [ "$_version" -ge 17 ]; then
      _key=$(stat -c '%s-%Y' "$4")
      _archive="$3/comptoir-java$_version-$_key.jsa"
      if [ -s "$_archive" ]; then
        _opts="$_opts-XX:SharedArchiveFile=$_archive"
      else
        # Archives of earlier jars are of no use any more.
        rm -f "$3"/comptoir-java"$_version"-*.jsa 2>/dev/null || true
        _opts="$_opts-XX:ArchiveClassesAtExit=$_archive"
      fi
    fi
  fi
  printf '%s\n' "$_opts"
}

# comptoir_java_version JAVA
#   Prints the version of that Java from its release file (e.g. 17.0.15), or nothing.
comptoir_java_version() {
  _java=$(command -v "$1" 2>/dev/null || true)
  _release=
  if [ -n "$_java" ]; then
    _release="$(dirname "$(dirname "$(readlink -f "$_java")")")/release"
  fi
  if [ -r "$_release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9][0-9.]*\).*/\1/p' "$_release"
  fi
}
