// A strict parser for one command's arguments: every option is declared, unknown ones are
// errors, single-valued options may not repeat, and repeatable ones keep their order (the n-th
// --password goes with the n-th --p12).

/** 'flag': present or not; 'string': at most once; 'list': repeatable, in order. */
export type OptionKind = 'flag' | 'string' | 'list';
export type OptionSpec = Readonly<Record<string, OptionKind>>;

export type OptionValues<S extends OptionSpec> = {
  [K in keyof S]: S[K] extends 'flag' ? boolean : S[K] extends 'string' ? string | undefined : string[];
};

export interface PositionalSpec {
  min: number;
  max: number;
  /** How the usage line names them, for error messages ("<message.eml>"). */
  names: string;
}

/** Bad command line: main prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedCommandLine<S extends OptionSpec> {
  options: OptionValues<S>;
  positionals: string[];
}

export function parseCommandLine<const S extends OptionSpec>(
  command: string,
  args: readonly string[],
  spec: S,
  positionalSpec: PositionalSpec,
): ParsedCommandLine<S> {
  const values: Record<string, boolean | string | string[] | undefined> = {};
  for (const [name, kind] of Object.entries(spec)) values[name] = kind === 'flag' ? false : kind === 'list' ? [] : undefined;
  const positionals: string[] = [];

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    // "-" alone is a positional (stdin), as usual for Unix tools.
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unknown option ${arg} (options are spelled --name)`);
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const inlineValue = equals === -1 ? undefined : arg.slice(equals + 1);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`${command}: unknown option --${name}`);
    if (kind === 'flag') {
      if (inlineValue !== undefined) throw new UsageError(`${command}: --${name} takes no value`);
      values[name] = true;
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      const next = args[i + 1];
      // A value that looks like an option is far more often a forgotten value than a real one;
      // --name=--value still passes it.
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`${command}: --${name} needs a value`);
      value = next;
      i++;
    }
    if (kind === 'list') (values[name] as string[]).push(value);
    else if (values[name] !== undefined) throw new UsageError(`${command}: --${name} given more than once`);
    else values[name] = value;
  }

  if (positionals.length < positionalSpec.min || positionals.length > positionalSpec.max) {
    const expected = positionalSpec.names || 'no arguments';
    throw new UsageError(`${command}: expected ${expected}, got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  }
  return { options: values as OptionValues<S>, positionals };
}

/** For options a command cannot do without. */
export function required<T>(command: string, name: string, value: T | undefined): T {
  if (value === undefined) throw new UsageError(`${command}: --${name} is required`);
  return value;
}

/** One of a closed set of values (e.g. --cipher). */
export function oneOf<const T extends string>(command: string, name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${command}: --${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO 8601 date or date-time with an explicit zone (a bare date is midnight UTC). */
export function isoTime(command: string, name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = ISO_TIME.test(value) ? new Date(value) : null;
  if (time === null || Number.isNaN(time.getTime())) {
    throw new UsageError(`${command}: --${name} must be an ISO 8601 time such as 2026-05-01T12:00:00Z`);
  }
  return time;
}
