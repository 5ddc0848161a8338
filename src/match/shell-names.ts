// Names a lab must not give its captures or vars: kubelab exports both into the lab's bash
// session (`export NAME=value`, or the environment bash starts with). From bash 5.2's
// `readonly -p` and the "Shell Variables" chapter of its manual.

/** Read-only in every bash: `export UID=…` fails, so the run stops; from the environment they are ignored. */
const READONLY = ['BASHOPTS', 'BASH_VERSINFO', 'EUID', 'PPID', 'SHELLOPTS', 'UID'];

/**
 * Set by bash itself (the value changes on its own or is replaced), or read by bash in a way that
 * changes how every later command runs: a capture or var of that name would not keep its value,
 * or would break the session (PATH, IFS, HOME, …).
 */
const SPECIAL = [
  // Dynamic: bash computes or resets them.
  '_', 'BASHPID', 'BASH_ALIASES', 'BASH_ARGC', 'BASH_ARGV', 'BASH_ARGV0', 'BASH_CMDS', 'BASH_COMMAND',
  'BASH_EXECUTION_STRING', 'BASH_LINENO', 'BASH_MONOSECONDS', 'BASH_REMATCH', 'BASH_SOURCE',
  'BASH_SUBSHELL', 'BASH_TRAPSIG', 'BASH_VERSION', 'BASH', 'COMP_CWORD', 'COMP_KEY', 'COMP_LINE',
  'COMP_POINT', 'COMP_TYPE', 'COMP_WORDBREAKS', 'COMP_WORDS', 'COMPREPLY', 'COPROC', 'DIRSTACK',
  'EPOCHREALTIME', 'EPOCHSECONDS', 'FUNCNAME', 'GROUPS', 'HISTCMD', 'LINENO', 'MAPFILE', 'OLDPWD', 'OPTARG', 'OPTIND', 'PIPESTATUS', 'PWD', 'RANDOM',
  'READLINE_ARGUMENT', 'READLINE_LINE', 'READLINE_MARK', 'READLINE_POINT', 'REPLY', 'SECONDS', 'SHLVL',
  'SRANDOM',
  // Read by bash: they change how commands are found, split, traced or run.
  'BASH_COMPAT', 'BASH_ENV', 'BASH_LOADABLES_PATH', 'BASH_XTRACEFD', 'CDPATH', 'CHILD_MAX', 'ENV',
  'EXECIGNORE', 'FUNCNEST', 'GLOBIGNORE', 'GLOBSORT', 'HOME', 'IFS', 'OPTERR', 'PATH', 'POSIXLY_CORRECT',
  'PROMPT_COMMAND', 'PS0', 'PS1', 'PS2', 'PS3', 'PS4', 'TIMEFORMAT', 'TMOUT',
];

const KIND = new Map<string, 'read-only' | 'special'>([...READONLY.map((n) => [n, 'read-only'] as const), ...SPECIAL.map((n) => [n, 'special'] as const)]);

/** Why `name` cannot be a capture or var name, or undefined when it can. */
export function bashVariableProblem(name: string): string | undefined {
  switch (KIND.get(name)) {
    case 'read-only':
      return `${name} is a read-only bash variable: the lab's shell cannot be given another value for it`;
    case 'special':
      return `${name} is a bash variable bash sets or reads itself: a value given to it would not stay, or would change how every later command runs`;
    default:
      return undefined;
  }
}

/**
 * Names bash sets at start but then leaves alone, and environment names the lab's tools read:
 * a capture of that name works, but changes them for every later command. Worth a warning only.
 */
export const ENVIRONMENT_NAMES: ReadonlySet<string> = new Set(['HOSTNAME', 'HOSTTYPE', 'MACHTYPE', 'OSTYPE', 'SHELL', 'USER', 'LOGNAME', 'KUBECONFIG', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR']);
