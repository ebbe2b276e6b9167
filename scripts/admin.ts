// npm run admin -- <command> – organisations, users and tokens without a browser.
import { parseArgs } from 'node:util';
import { createOrganization, createUser, getOrganizationBySlugOrThrow } from '@/lib/auth/accounts';
import { roles, tokenScopes, type RoleName, type TokenScopeName } from '@/lib/auth/schemas';
import { createApiToken } from '@/lib/auth/tokens';
import { openScriptDatabase } from '@/lib/db/script-database';
import { ApiError } from '@/lib/http/errors';
import { ZodError } from 'zod';

const usage = `Usage:
  npm run admin -- create-org <slug> [--name "Display name"]
  npm run admin -- create-user --org <slug> --email <e-mail> --password-stdin --role admin|analyst|viewer
  npm run admin -- create-token --org <slug> --name <name> [--scope ingest|read]

create-token prints the token alone on the last line of standard output; it is not stored and cannot be shown again.`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from standard input: pipe it in, e.g. `printf %s "$PASSWORD" | npm run admin -- create-user …`.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required.`);
  return value;
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  switch (command) {
    case 'create-org': {
      const slug = required(positionals[0], '<slug>');
      const org = await createOrganization({ slug, name: values.name });
      console.log(`Created organisation "${org.slug}" (${org.name}).`);
      return;
    }
    case 'create-user': {
      const role = required(values.role, '--role');
      if (!roles.includes(role as RoleName)) throw new UsageError(`--role must be one of ${roles.join(', ')}.`);
      if (!values['password-stdin']) throw new UsageError('--password-stdin is required: passwords are never taken from the command line.');
      const password = await readStdin();
      const user = await createUser({ orgSlug: required(values.org, '--org'), email: required(values.email, '--email'), password, role: role as RoleName });
      console.log(user.created ? `Created user ${user.email} (${role}) in "${values.org}".` : `${user.email} already existed: added to "${values.org}" as ${role} (password unchanged).`);
      return;
    }
    case 'create-token': {
      const scope = values.scope ?? 'ingest';
      if (!tokenScopes.includes(scope as TokenScopeName)) throw new UsageError(`--scope must be one of ${tokenScopes.join(', ')}.`);
      const org = await getOrganizationBySlugOrThrow(required(values.org, '--org'));
      const { token, record } = await createApiToken({ organizationId: org.id, name: required(values.name, '--name'), scope: scope as TokenScopeName });
      console.log(`Created ${record.scope} token "${record.name}" for "${org.slug}". Keep it now; it is shown only once:`);
      console.log(token);
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    console.log(usage);
    return;
  }
  const database = await openScriptDatabase();
  try {
    await run(argv);
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else if (error instanceof ZodError) console.error(error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('\n'));
    else if (error instanceof ApiError) console.error(error.message);
    else if (error instanceof Error && 'code' in error && (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(`${error.message}\n\n${usage}`);
    else console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
