# shellcheck shell=bash
# Sourced by ./kopi and ./build: finds the newest JDK of at least $KOPI_MIN_JAVA (default 21).
# Looks at JAVA_HOME, the java on PATH, and /usr/lib/jvm/* (and /opt/java, ~/.sdkman on the way).

kopi_java_major() { # $1: path to a java binary; prints its feature release number
  # A JDK's `release` file names its version; reading it costs nothing, where starting the JVM to
  # ask costs ~0.1 s per candidate on every launch. The JVM is asked only when the file is missing.
  local release
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    local v
    v="$(sed -n 's/^JAVA_VERSION="\([0-9.]*\).*/\1/p' "$release" | head -n 1)"
    v="${v#1.}"
    v="${v%%.*}"
    if [[ "$v" =~ ^[0-9]+$ ]]; then
      printf '%s\n' "$v"
      return
    fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ {print $2; exit}' | sed 's/^1\.//'
}

kopi_find_jdk() {
  local min="${KOPI_MIN_JAVA:-21}" best="" best_major=0 cand major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for cand in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$cand" ] && candidates+=("$cand")
  done
  for cand in "${candidates[@]}"; do
    # A JDK (not a bare JRE): javac is needed to build on first use.
    [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    major="$(kopi_java_major "$cand/bin/java")"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best="$cand"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    {
      echo "kopi: no JDK $min or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*)."
      echo "      Install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin 25 JDK,"
      echo "      or point JAVA_HOME at it."
    } >&2
    return 1
  fi
  printf '%s\n' "$best"
}
