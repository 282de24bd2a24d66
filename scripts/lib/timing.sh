# Step times for the test scripts (sourced, not run: `source "$root/scripts/lib/timing.sh"`).
#
#   timed NAME COMMAND [ARGS...]   runs the command and records how long it took (under set -e a failing
#                                  command still stops the script, unrecorded)
#   timing_skipped NAME            records a step that did not run
#   print_timings TITLE [FILE]     prints the recorded times under a heading; with FILE, keeps them there too
timings=()

timed() {
  local name=$1 t0
  shift
  t0=$(date +%s)
  "$@"
  timings+=("$(printf '%-34s %4ss' "$name" "$(( $(date +%s) - t0 ))")")
}

timing_skipped() {
  timings+=("$(printf '%-34s %5s' "$1" "skipped")")
}

print_timings() {
  printf '\n=== %s (this machine: %s cores)\n' "$1" "$(nproc)"
  if [ -n "${2:-}" ]; then
    printf '%s\n' "${timings[@]}" | tee "$2"
  else
    printf '%s\n' "${timings[@]}"
  fi
}
