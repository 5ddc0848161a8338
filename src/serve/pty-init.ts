// The bash side of the page's terminal (src/serve/pty-shell.ts): the rc file of one interactive
// bash in a pty, which is both the learner's terminal and the lab's shell.
//
// Side channel: OSC 777 sequences in the pty's output, `ESC ] 777 ; kubelab ; WHAT BEL`, that the
// server strips before the page sees them:
//   idle          the prompt is shown (the end of PS1, which readline prints once the terminal
//                 is in its raw mode, so keys sent now are read by readline): a block may start;
//   busy          a command line the learner typed starts (PS0), or a block cut short ends;
//   done;TOKEN    a block ended; its exit code is in "$dir/TOKEN.exit".
//
// Running a block: the server writes "TOKEN MODE" to "$dir/next" and the block's text to
// "$dir/TOKEN.cmd", then "types" RUN_KEY, a key sequence bound with `bind -x` to a command line
// that runs at top level in the current shell (so `declare`, `cd`, functions persist, as when the
// learner types) without touching what the learner had half typed at the prompt:
//   __kl_pre; builtin eval "$__kl_cmd" </dev/null >&"$__kl_fo" 2>&"$__kl_fe"; __kl_post $?
// __kl_pre shows the command after the prompt, as if typed, and points the two fds at `tee`s that
// write to the terminal and to "$dir/TOKEN.out|err|all" (MODE merge: one tee for both streams,
// so the order is exact; split: one per stream; quiet: files only and nothing shown, for the
// engine's own setEnv/cwd/env). Like `kubelab run`, a block's output goes to pipes, not the tty.
// Ctrl-C in a block jumps out of the bound command; the next prompt's PROMPT_COMMAND then ends
// the block with the status bash reports (130).

import { NODE_EXEC_FUNCTION } from '../engine/shell-init.js';

/** The key sequence bound to "run the next block" (nobody types it by accident). */
export const RUN_KEY = '\x1b[9197~';

/** The OSC prefix of side-channel markers. */
export const MARK = '\x1b]777;kubelab;';

export function ptyInitScript(dir: string): string {
  const q = `'${dir.replace(/'/g, `'\\''`)}'`;
  return String.raw`
__kl_dir=${q}
__kl_tok=
__kl_fo=
__kl_fe=
__kl_pids=()
__kl_tty=
__kl_idle=$'\e]777;kubelab;idle\a'
__kl_osc() { builtin printf '\e]777;kubelab;%s\a' "$1"; }
__kl_pre() {
  local __kl_line= __kl_mode __kl_d __kl_p
  IFS= builtin read -r __kl_line < "$__kl_dir/next" || :
  __kl_tok=${'$'}{__kl_line%% *}
  __kl_mode=${'$'}{__kl_line#* }
  __kl_d=$__kl_dir/$__kl_tok
  __kl_cmd=
  IFS= builtin read -r -d '' __kl_cmd < "$__kl_d.cmd" || :
  : >| "$__kl_d.out"; : >| "$__kl_d.err"; : >| "$__kl_d.all"
  __kl_pids=()
  # Plain \`exec\`, not \`builtin exec\`: only then are its redirections the shell's own.
  if [[ $__kl_mode == quiet ]]; then
    exec {__kl_fo}>>"$__kl_d.out" {__kl_fe}>>"$__kl_d.err"
    return 0
  fi
  # readline's terminal mode (raw, no echo): a job a signal ends (SIGPIPE in \`cmd | grep -q\`)
  # makes bash put back the cooked mode it saved, and readline, which does not know, would then
  # leave the next run key in the line buffer (echoed, never run). __kl_post puts it back.
  __kl_tty=$(command stty -g 2>/dev/null) || __kl_tty=
  __kl_p=${'$'}{PS1@P}
  __kl_p=${'$'}{__kl_p//$'\001'/}
  __kl_p=${'$'}{__kl_p//$'\002'/}
  __kl_p=${'$'}{__kl_p//"$__kl_idle"/}
  builtin printf '%s\e[1m%s\e[0m\n' "$__kl_p" "${'$'}{__kl_cmd%$'\n'}"
  exec {__kl_fo}> >(builtin exec tee -a "$__kl_d.out" "$__kl_d.all")
  __kl_pids+=($!)
  if [[ $__kl_mode == merge ]]; then
    __kl_fe=$__kl_fo
  else
    exec {__kl_fe}> >(builtin exec tee -a "$__kl_d.err" "$__kl_d.all" >&2)
    __kl_pids+=($!)
  fi
}
__kl_post() {
  local __kl_rc=$1 __kl_p
  [[ -n $__kl_tok ]] || return "$__kl_rc"
  [[ -z $__kl_fo ]] || exec {__kl_fo}>&-
  [[ -z $__kl_fe || $__kl_fe == "$__kl_fo" ]] || exec {__kl_fe}>&-
  __kl_fo= __kl_fe=
  for __kl_p in "${'$'}{__kl_pids[@]}"; do builtin wait "$__kl_p" 2>/dev/null || :; done
  __kl_pids=()
  [[ -z $__kl_tty ]] || command stty "$__kl_tty" 2>/dev/null || :
  __kl_tty=
  builtin printf '%s' "$__kl_rc" >| "$__kl_dir/$__kl_tok.exit"
  __kl_osc "done;$__kl_tok"
  __kl_tok=
  return "$__kl_rc"
}
__kl_prompt() {
  local __kl_rc=$?
  # A block cut short by Ctrl-C never reached its __kl_post: end it now (readline is not ready
  # yet: the prompt's idle marker says when it is).
  if [[ -n $__kl_tok ]]; then __kl_osc busy; __kl_post "$__kl_rc"; fi
  # The learner may set their own PS1: the marker stays at its end.
  [[ $PS1 == *"$__kl_idle"* ]] || PS1+="\\[$__kl_idle\\]"
  return "$__kl_rc"
}
builtin bind -x '"\e[9197~": __kl_pre; builtin eval "$__kl_cmd" </dev/null >&"$__kl_fo" 2>&"$__kl_fe"; __kl_post $?' 2>/dev/null
PROMPT_COMMAND=__kl_prompt
PS0=$'\e]777;kubelab;busy\a'
PS1='\[\e[1;36m\]lab\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]\$ '"\\[$__kl_idle\\]"
HISTCONTROL=ignorespace
HISTFILE=
${NODE_EXEC_FUNCTION}
`;
}
