// Every CLI command, in the order `kubelab --help` lists them. Adding a command is one line here
// plus its module.
import type { CliCommand } from '../context.js';
import { cleanupCommand } from './cleanup.js';
import { gradeCommand } from './grade.js';
import { learnCommand } from './learn.js';
import { doctorCommand } from './doctor.js';
import { lintCommand } from './lint.js';
import { listCommand } from './list.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { setupCommand } from './setup.js';
import { updateCommand } from './update.js';

export const COMMANDS: readonly CliCommand[] = [runCommand, lintCommand, listCommand, updateCommand, cleanupCommand, doctorCommand, learnCommand, serveCommand, gradeCommand, reportCommand, setupCommand];
