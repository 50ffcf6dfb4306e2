/**
 * npm run users -- list
 * npm run users -- create --email E --name N --role annotator|reviewer|ml_lead|admin
 * npm run users -- set-role --email E --role R
 * npm run users -- reset-password --email E
 * npm run users -- enable|disable --email E
 * Account administration from the machine's terminal (for a locked-out admin, or scripted set-up).
 * Passwords come from MASKLAB_PASSWORD when set, otherwise a random one is generated and printed
 * once. Exit code 0 on success, 1 when the change is refused, 2 on usage errors.
 */
import { parseArgs } from "node:util";
import { emailSchema, passwordSchema, personNameSchema, roleSchema } from "@/lib/domain/account-schema";
import { ROLES } from "@/lib/domain/permissions";
import { audit } from "@/lib/server/auth/audit";
import { newSecret } from "@/lib/server/auth/tokens";
import { AccountError, createUser, listUsers, updateUser } from "@/lib/server/auth/users";
import { db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { runCommand } from "./run-command";

const COMMANDS = ["list", "create", "set-role", "reset-password", "enable", "disable"] as const;
const USAGE = [
  "usage: npm run users -- list",
  `       npm run users -- create --email E --name N --role ${ROLES.join("|")}`,
  "       npm run users -- set-role --email E --role R",
  "       npm run users -- reset-password --email E",
  "       npm run users -- enable|disable --email E",
  "  Passwords: MASKLAB_PASSWORD if set, otherwise generated and printed once.",
].join("\n");

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

function chosenPassword(): { password: string; generated: boolean } {
  const given = process.env.MASKLAB_PASSWORD;
  if (given !== undefined) return { password: passwordSchema.parse(given), generated: false };
  return { password: newSecret(15), generated: true };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  const command = parsed.positionals[0];
  if (!COMMANDS.includes(command as (typeof COMMANDS)[number])) return usage(command ? `unknown command "${command}"` : "a command is required");
  const email = parsed.values.email === undefined ? undefined : emailSchema.safeParse(parsed.values.email);
  const role = parsed.values.role === undefined ? undefined : roleSchema.safeParse(parsed.values.role);
  if (command !== "list" && !email?.success) return usage("--email with a valid address is required");
  if ((command === "create" || command === "set-role") && !role?.success) return usage(`--role must be one of ${ROLES.join(", ")}`);

  await migrateDatabase();
  try {
    if (command === "list") {
      for (const user of await listUsers()) console.log(`${user.email}\t${user.role}\t${user.disabledAt ? "disabled" : "active"}\t${user.name}`);
      return 0;
    }
    const address = email!.data!;
    if (command === "create") {
      const name = personNameSchema.safeParse(parsed.values.name ?? address.split("@")[0]);
      if (!name.success) return usage("--name: a name is required");
      const { password, generated } = chosenPassword();
      const user = await createUser({ email: address, name: name.data, role: role!.data!, password });
      await audit("user.created", { target: user.email, detail: { role: user.role, via: "cli" } });
      console.log(`created ${user.email} (${user.role})${generated ? `; password: ${password}` : ""}`);
      return 0;
    }
    const user = await db().user.findUnique({ where: { email: address }, select: { id: true } });
    if (!user) {
      console.error(`no account for ${address}`);
      return 1;
    }
    if (command === "set-role") {
      const { before, after } = await updateUser(user.id, { role: role!.data! });
      await audit("user.role_changed", { target: address, detail: { from: before.role, to: after.role, via: "cli" } });
      console.log(`${address}: ${before.role} → ${after.role}`);
    } else if (command === "reset-password") {
      const { password, generated } = chosenPassword();
      await updateUser(user.id, { password });
      await audit("user.password_reset", { target: address, detail: { via: "cli" } });
      console.log(`${address}: password reset${generated ? `; new password: ${password}` : ""}`);
    } else {
      const disabled = command === "disable";
      await updateUser(user.id, { disabled });
      await audit(disabled ? "user.disabled" : "user.enabled", { target: address, detail: { via: "cli" } });
      console.log(`${address}: ${disabled ? "disabled" : "enabled"}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof AccountError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await db().$disconnect();
  }
}

runCommand("users", main);
