# Sourced by ./tessera and ./run-tests: sets JAVA_HOME to a JDK 21 or newer, or exits with a message.
java_major() {
  "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}
tessera_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/ /opt/java/*/ /usr/local/lib/jvm/*/; do
    [ -x "${d}bin/javac" ] || continue
    v=$(java_major "${d%/}") || continue
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best="${d%/}"; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "tessera: needs a JDK 21 or newer; none found (JAVA_HOME=${JAVA_HOME:-unset}, searched /usr/lib/jvm)." >&2
    echo "Install one (e.g. 'apt-get install openjdk-21-jdk') or set JAVA_HOME to it." >&2
    exit 1
  fi
  export JAVA_HOME="$best"
}
tessera_find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
# Maven itself runs on this JDK; silence JDK 24+ warnings about Maven's own libraries.
if [ "$(java_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
fi
