// The bash side of the persistent shell (src/engine/shell.ts): functions sourced once per bash
// process. Everything here must survive a user's `set -euo pipefail`, `set -x` and `IFS=...`,
// so it uses `builtin`, `|| :` and never expands an unset variable.
//
// Protocol, per block (one line on bash's stdin):
//   { __kl_cmd=$'TEXT'; __kl_b; } 2>/dev/null; builtin eval "$__kl_cmd" </dev/null >&"$__kl_o" 2>&"$__kl_x"; { __kl_e TOKEN $?; } 2>/dev/null
// (a long TEXT is written to a file instead, which `__kl_b FILE` reads without a fork; `2>&1`
// instead of the last redirection when the block's output is compared as a terminal shows it). The user's code runs at
// top level (so `declare` makes globals, `cd` persists, as in a terminal). __kl_e writes an end
// marker with the exit code to the saved stdout and another to the saved stderr: everything the
// block printed before them is the block's, in both streams.
//
// Stopping a block (timeout, abort): the engine sends SIGUSR1 and kills the block's process
// groups. The USR1 trap (run as soon as the foreground job died) turns on a DEBUG trap that skips
// every remaining command of the block (and unwinds its functions), so the block ends at once and
// the shell, with its state and earlier background jobs, lives on. A builtin loop at top level
// (`while :; do :; done`) cannot be ended that way: then SIGUSR2 (and a "$dir/die" file, seen by
// the skip trap, for when bash holds the signal back) exits the shell, and the EXIT
// trap saves variables, functions, aliases, options, traps and the working directory to
// "$dir/state" so that the next shell starts where this one stopped.

/** The last line of a complete saved state. */
export const STATE_COMPLETE = '# kubelab: state complete';

export const INIT_SCRIPT = String.raw`
set -m
exec {__kl_o}>&1 {__kl_x}>&2
__kl_busy=0
__kl_cmd=
__kl_b() {
  __kl_busy=1
  if [[ -n ${'$'}{1-} ]]; then IFS= builtin read -r -d '' __kl_cmd < "$1" || :; fi
  # Under set -x, trace the block's commands, not the eval that runs them.
  if [[ $- == *x* ]]; then set +x; __kl_cmd="set -x; $__kl_cmd"; fi
}
__kl_e() {
  if [[ $__kl_busy == 2 ]]; then builtin trap - DEBUG; shopt -u extdebug; set +T; fi
  __kl_busy=0
  builtin jobs -p >"$__kl_dir/jobs" 2>/dev/null || :
  builtin printf '\036KLo%s:%s\036' "$1" "$2" >&"$__kl_o"
  builtin printf '\036KLe%s\036' "$1" >&"$__kl_x"
}
__kl_stop() {
  [[ $__kl_busy == 1 ]] || return 0
  __kl_busy=2
  shopt -s extdebug
  set -T
  builtin trap __kl_skip DEBUG
}
__kl_skip() {
  [[ $__kl_busy == 2 ]] || return 0
  [[ $BASH_COMMAND == __kl_* || ${'$'}{FUNCNAME[1]-} == __kl_* ]] && return 0
  # A loop that keeps being skipped spends nearly all its time in this trap, where bash may hold
  # back the USR2 for seconds: the engine's "die" file asks for the same exit.
  if [[ -e $__kl_dir/die ]]; then __kl_die; fi
  [[ -n ${'$'}{FUNCNAME[1]-} ]] && return 2
  return 1
}
__kl_die() {
  [[ $__kl_busy != 0 ]] || return 0
  __kl_busy=0
  builtin exit 143
}
__kl_save() {
  # The engine keeps signalling until the shell is gone: __kl_die set __kl_busy=0, so further
  # USR1/USR2 traps return at once instead of cutting the save short. No forks (command
  # substitutions, mv): the engine stops new processes of a stopped block, and forks are slow on
  # a loaded machine. The "saving" file tells the engine to wait for the save, not kill the shell.
  builtin : >| "$__kl_dir/saving" 2>/dev/null
  builtin trap - DEBUG
  {
    local __kl_n
    local -a __kl_names
    builtin compgen -v >| "$__kl_dir/names" 2>/dev/null || :
    builtin mapfile -t __kl_names < "$__kl_dir/names" || :
    for __kl_n in "${'$'}{__kl_names[@]}"; do
      case $__kl_n in
        BASH*|FUNCNAME|GROUPS|DIRSTACK|EUID|PPID|UID|SHELLOPTS|SHLVL|RANDOM|SRANDOM|SECONDS|LINENO|HISTCMD|EPOCHREALTIME|EPOCHSECONDS|PIPESTATUS|_|COMP_*|__kl_*|PWD|OLDPWD|IFS) continue ;;
      esac
      builtin declare -p "$__kl_n"
    done
    builtin printf 'IFS=%q\n' "$IFS"
    builtin compgen -A function >| "$__kl_dir/names" 2>/dev/null || :
    builtin mapfile -t __kl_names < "$__kl_dir/names" || :
    for __kl_n in "${'$'}{__kl_names[@]}"; do
      [[ $__kl_n == __kl_* ]] || builtin declare -f "$__kl_n"
    done
    builtin alias -p
    builtin trap -p
    builtin shopt -p
    builtin set +o
    builtin printf 'set +e\n'
    builtin umask -p
    builtin printf 'builtin cd -- %q\n' "$PWD"
    [[ -z ${'$'}{OLDPWD-} ]] || builtin printf 'OLDPWD=%q\n' "$OLDPWD"
    # The engine restores only a state that ends with this line (a save cut short is not used).
    builtin printf '%s\n' '${STATE_COMPLETE}'
  } >| "$__kl_dir/state" 2>/dev/null
  :
}
__kl_setup() {
  set -m
  builtin trap __kl_stop USR1
  builtin trap __kl_die USR2
  builtin trap __kl_save EXIT
}
__kl_setup
`;
