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
// "$dir/state" so that the next shell starts where this one stopped. A stop while bash is inside
// a command substitution sends SIGTERM to bash itself (the USR1 trap would run only after the
// command the substitution is for): bash exits from within the expansion, through the same
// EXIT trap.
//
// What a lab does to the shell: "trap ... EXIT" goes through the trap function below (the lab's
// action runs from kubelab's EXIT trap, after the save); a block whose text holds "exec" gets a
// DEBUG trap that saves the state just before an exec replaces the shell; PS4 carries a marker
// so the engine can show set -x traces one level up (the eval adds one). Shell.snapshot() runs
// __kl_state, the same save.

/** The last line of a complete saved state. */
export const STATE_COMPLETE = '# kubelab: state complete';

/** The lab shell's node_exec function: defined by the engine's shell and by the page's terminal (src/serve/pty-init.ts). */
export const NODE_EXEC_FUNCTION = String.raw`
# node_exec NODE COMMAND [ARG...]: run a command on a node of the lab's cluster. Over ssh when the
# run maps NODE to a target (--ssh NODE=TARGET, given here as KUBELAB_NODE_SSH lines), else with
# docker exec in the kind node container of that name. The arguments stay separate words on the
# node (quoted for ssh's remote shell); a non-root ssh login runs the command with sudo -n.
node_exec() {
  if [[ $# -lt 2 ]]; then builtin printf 'usage: node_exec NODE COMMAND [ARG...]\n' >&2; return 2; fi
  local __kl_node=$1 __kl_t= __kl_l __kl_rc=0
  shift
  while IFS= builtin read -r __kl_l; do
    if [[ ${'$'}{__kl_l%%=*} == "$__kl_node" ]]; then __kl_t=${'$'}{__kl_l#*=}; break; fi
  done <<< "${'$'}{KUBELAB_NODE_SSH-}"
  if [[ -n $__kl_t ]]; then
    local -a __kl_f=(-o BatchMode=yes)
    [[ -z ${'$'}{KUBELAB_SSH_CONFIG-} ]] || __kl_f+=(-F "$KUBELAB_SSH_CONFIG")
    command "${'$'}{KUBELAB_SSH:-ssh}" "${'$'}{__kl_f[@]}" "$__kl_t" -- '[ "$(id -u)" = 0 ] || set -- sudo -n --; exec "$@"' "${'$'}{@@Q}" || __kl_rc=$?
    return $__kl_rc
  fi
  command "${'$'}{KUBELAB_DOCKER:-docker}" exec -i "$__kl_node" "$@" || __kl_rc=$?
  if [[ $__kl_rc != 0 ]] && ! command "${'$'}{KUBELAB_DOCKER:-docker}" container inspect "$__kl_node" >/dev/null 2>&1; then
    builtin printf 'node_exec: %s is not a kind node container here; for a node reached over ssh run kubelab with --ssh %s=USER@HOST\n' "$__kl_node" "$__kl_node" >&2
  fi
  return $__kl_rc
}
`;

export const INIT_SCRIPT = String.raw`
set -m
exec {__kl_o}>&1 {__kl_x}>&2
__kl_pid=$BASHPID
__kl_busy=0
__kl_cmd=
__kl_hook=0
__kl_ps4m=
__kl_lastbg=
__kl_hadjobs=
__kl_b() {
  __kl_busy=1
  if [[ -n ${'$'}{1-} ]]; then IFS= builtin read -r -d '' __kl_cmd < "$1" || :; fi
  # Under set -x, trace the block's commands, not the eval that runs them.
  if [[ $- == *x* ]]; then set +x; __kl_cmd="set -x; $__kl_cmd"; fi
  # One test on the common path: it costs per block.
  [[ ${'$'}{PS4-} == "$__kl_ps4m" && -z ${'$'}{BASH_XTRACEFD-} && $__kl_cmd != *exec* ]] || __kl_b2
}
__kl_b2() {
  [[ ${'$'}{PS4-} == "$__kl_ps4m" && -z ${'$'}{BASH_XTRACEFD-} ]] || __kl_mark
  # A block that may exec: save the state just before an exec replaces this shell (see __kl_exec).
  if [[ $__kl_cmd == *exec* ]]; then
    __kl_hook=1
    [[ $- == *T* ]] || __kl_hook=2
    set -T
    builtin trap '{ __kl_exec; } 2>/dev/null' DEBUG
  fi
}
__kl_mark() {
  # The eval puts a block one level deeper than a terminal: its traces would start with "++".
  # PS4 gets a marker (GS "KLx" first-char RS) in front, and the engine turns each traced prefix
  # of n marker characters into n-2 first characters, so "+ " shows as in a terminal (and the
  # marker alone, e.g. echo "$PS4", into nothing). It stays until a block sets PS4 again.
  __kl_ps4=${'$'}{PS4-}
  [[ $__kl_ps4 != $'\035'KLx?$'\036'* ]] || __kl_ps4=${'$'}{__kl_ps4#$'\035'KLx?$'\036'}
  if [[ -n $__kl_ps4 && -z ${'$'}{BASH_XTRACEFD-} && ${'$'}{__kl_ps4:0:1} != [\\$] ]]; then
    PS4=$'\035'KLx${'$'}{__kl_ps4:0:1}$'\036'$__kl_ps4
  elif [[ -n ${'$'}{PS4+x} ]]; then PS4=$__kl_ps4; fi
  __kl_ps4m=${'$'}{PS4-}
}
__kl_e() {
  if [[ $__kl_busy$__kl_hook != 10 ]]; then
    builtin trap - DEBUG
    [[ $__kl_busy != 2 ]] || shopt -u extdebug
    [[ $__kl_busy != 2 && $__kl_hook != 2 ]] || set +T
    # The shell lives on: a state saved for an exec that did not replace it (exec >file) is stale.
    if [[ $__kl_hook == 3 ]]; then builtin : >| "$__kl_dir/state"; builtin : >| "$__kl_dir/exec"; fi 2>/dev/null
    __kl_hook=0
  fi
  __kl_busy=0
  # The background jobs, which a stop of the next block spares: rewritten only when there may be
  # some (a file write per block costs more than this test).
  if [[ ${'$'}{!-} != "$__kl_lastbg" || -n $__kl_hadjobs ]]; then
    builtin jobs -p >"$__kl_dir/jobs" 2>/dev/null || :
    __kl_lastbg=${'$'}{!-}
    __kl_hadjobs=
    [[ ! -s $__kl_dir/jobs ]] || __kl_hadjobs=1
  fi
  builtin printf '\036KLo%s:%s\036' "$1" "$2" >&"$__kl_o"
  builtin printf '\036KLe%s\036' "$1" >&"$__kl_x"
}
__kl_exec() {
  # The DEBUG trap of a block that may exec: before an exec in this shell (not in a subshell),
  # save the state and say which command replaced the shell, for the engine's notice.
  [[ $BASHPID == "$__kl_pid" ]] || return 0
  case $BASH_COMMAND in
    exec\ *|builtin\ exec\ *|command\ exec\ *) ;;
    *) return 0 ;;
  esac
  builtin printf '%s' "$BASH_COMMAND" >| "$__kl_dir/exec" 2>/dev/null || :
  __kl_state "$__kl_dir/state"
  [[ $__kl_hook == 0 ]] || __kl_hook=3
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
# The lab's own EXIT trap: kept in __kl_exit_trap and run by kubelab's EXIT trap (__kl_exited),
# after the state is saved. "trap" in this shell (not in subshells) goes through this function;
# "trap -p" shows the lab's traps, not kubelab's.
trap() {
  if [[ $BASHPID != "$__kl_pid" ]]; then builtin trap "$@"; return; fi
  local __kl_p=0 __kl_a __kl_s __kl_rc=0
  while [[ $# -gt 0 ]]; do
    case $1 in
      --) shift; break ;;
      -p) __kl_p=1; shift ;;
      -) break ;;
      -*) builtin trap "$@"; return ;;
      *) break ;;
    esac
  done
  if [[ $__kl_p == 1 || $# == 0 ]]; then
    if [[ $# == 0 ]]; then __kl_traps; return; fi
    for __kl_s in "$@"; do
      if __kl_is_exit "$__kl_s"; then
        [[ -z ${'$'}{__kl_exit_trap+x} ]] || builtin printf 'trap -- %s EXIT\n' "${'$'}{__kl_exit_trap@Q}"
      else builtin trap -p "$__kl_s" || __kl_rc=1; fi
    done
    return $__kl_rc
  fi
  if [[ $# == 1 ]]; then __kl_a=-; else __kl_a=$1; shift; fi
  for __kl_s in "$@"; do
    if __kl_is_exit "$__kl_s"; then
      if [[ $__kl_a == - ]]; then unset __kl_exit_trap; else __kl_exit_trap=$__kl_a; fi
    else builtin trap -- "$__kl_a" "$__kl_s" || __kl_rc=1; fi
  done
  return $__kl_rc
}
__kl_is_exit() {
  case $1 in
    0|[Ee][Xx][Ii][Tt]|[Ss][Ii][Gg][Ee][Xx][Ii][Tt]) return 0 ;;
  esac
  return 1
}
__kl_traps() {
  # The lab's traps as "trap -p" prints them: kubelab's own left out, the lab's EXIT trap put in.
  local __kl_l
  local -a __kl_ls
  [[ -z ${'$'}{__kl_exit_trap+x} ]] || builtin printf 'trap -- %s EXIT\n' "${'$'}{__kl_exit_trap@Q}"
  builtin trap -p >| "$__kl_dir/traps" 2>/dev/null || :
  builtin mapfile -t __kl_ls < "$__kl_dir/traps" || :
  for __kl_l in "${'$'}{__kl_ls[@]}"; do
    case $__kl_l in
      "trap -- '__kl_exited' EXIT"|"trap -- '__kl_stop' SIGUSR1"|"trap -- '__kl_die' SIGUSR2"|"trap -- '__kl_skip' DEBUG"|"trap -- '{ __kl_exec; } 2>/dev/null' DEBUG") ;;
      *) builtin printf '%s\n' "$__kl_l" ;;
    esac
  done
}
__kl_ret() { return "$1"; }
__kl_exited() {
  local __kl_st=$?
  [[ -n ${'$'}{__kl_closing-} ]] || __kl_save
  # The lab's trap sees the exit status in $? (after "||": a set -e shell must not exit here).
  [[ -z ${'$'}{__kl_exit_trap-} ]] || __kl_ret "$__kl_st" || builtin eval "$__kl_exit_trap"
  [[ -z ${'$'}{__kl_exit_trap-} || $__kl_st != 0 ]] || builtin eval "$__kl_exit_trap"
  :
}
__kl_save() {
  # The engine keeps signalling until the shell is gone: __kl_die set __kl_busy=0, so further
  # USR1/USR2 traps return at once instead of cutting the save short. No forks (command
  # substitutions, mv): the engine stops new processes of a stopped block, and forks are slow on
  # a loaded machine. The "saving" file tells the engine to wait for the save, not kill the shell.
  builtin : >| "$__kl_dir/saving" 2>/dev/null
  builtin trap - DEBUG
  __kl_state "$__kl_dir/state"
}
__kl_state() {
  # Write a bash script that restores this shell's state (variables, functions, aliases, options,
  # traps, umask, working directory) to $1: used for the next shell after this one died, and by
  # Shell.snapshot().
  {
    local __kl_n
    local -a __kl_names
    builtin compgen -v >| "$__kl_dir/names" 2>/dev/null || :
    builtin mapfile -t __kl_names < "$__kl_dir/names" || :
    for __kl_n in "${'$'}{__kl_names[@]}"; do
      # Names the engine keeps off disk (values of secret captures).
      [[ ${'$'}{__kl_skip-} == *" $__kl_n "* ]] && continue
      case $__kl_n in
        BASH*|FUNCNAME|GROUPS|DIRSTACK|EUID|PPID|UID|SHELLOPTS|SHLVL|RANDOM|SRANDOM|SECONDS|LINENO|HISTCMD|EPOCHREALTIME|EPOCHSECONDS|PIPESTATUS|_|COMP_*|__kl_*|PWD|OLDPWD|IFS) continue ;;
      esac
      # PS4 holds the engine's trace marker: save it as the lab set it.
      if [[ $__kl_n == PS4 && $PS4 == "$__kl_ps4m" ]]; then
        builtin printf 'PS4=%q\n' "$__kl_ps4"
      else builtin declare -p "$__kl_n"; fi
    done
    builtin printf 'IFS=%q\n' "$IFS"
    builtin compgen -A function >| "$__kl_dir/names" 2>/dev/null || :
    builtin mapfile -t __kl_names < "$__kl_dir/names" || :
    for __kl_n in "${'$'}{__kl_names[@]}"; do
      # kubelab's own functions (node_exec too) are defined by every new shell: not saved.
      [[ $__kl_n == __kl_* || $__kl_n == trap || $__kl_n == node_exec ]] || builtin declare -f "$__kl_n"
    done
    builtin alias -p
    __kl_traps
    builtin shopt -p
    builtin set +o
    builtin printf 'set +e\n'
    builtin umask -p
    builtin printf 'builtin cd -- %q\n' "$PWD"
    [[ -z ${'$'}{OLDPWD-} ]] || builtin printf 'OLDPWD=%q\n' "$OLDPWD"
    # The engine restores only a state that ends with this line (a save cut short is not used).
    builtin printf '%s\n' '${STATE_COMPLETE}'
  } >| "$1" 2>/dev/null
  :
}
${NODE_EXEC_FUNCTION}
__kl_setup() {
  set -m
  builtin trap __kl_stop USR1
  builtin trap __kl_die USR2
  builtin trap __kl_exited EXIT
}
__kl_setup
`;
