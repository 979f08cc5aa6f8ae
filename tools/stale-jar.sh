# tools/stale-jar.sh — sourced by run-local.sh and tools/bench/run.sh (needs ROOT, the repository root).
#
# stale_reason JAR MODULE...   prints why JAR must be rebuilt: it is missing, or the root pom, or a pom or main source
#                              of one of the MODULEs it is built from, is newer than it; prints nothing when it is fresh.
stale_reason() {
  local jar=$1 newer; shift
  [[ -f $jar ]] || { echo "${jar#"$ROOT"/} is missing"; return; }
  newer=$(cd "$ROOT" && find pom.xml "${@/%//pom.xml}" "${@/%//src/main}" -type f -newer "$jar" -print -quit \
            2>/dev/null || true)
  [[ -z $newer ]] || echo "$newer is newer than ${jar#"$ROOT"/}"
}
