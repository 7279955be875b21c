# shellcheck shell=bash
# Sourced by the bench scripts: the one definition of the benchmark corpus, so that every script
# measures the same files.

# bench_corpus ROOT N: builds the CLI jar now if the sources changed (so that no build is timed
# later), makes ROOT/bench/out/corpus-N with `kopi sample --seed 1` unless it exists, and prints
# its path.
bench_corpus() {
  local root="$1" n="$2"
  local corpus="$root/bench/out/corpus-$n"
  mkdir -p "$root/bench/out"
  "$root/kopi" --version > /dev/null
  if [ ! -d "$corpus" ]; then
    "$root/kopi" sample -o "$corpus" --n "$n" --seed 1 > /dev/null
  fi
  printf '%s\n' "$corpus"
}
