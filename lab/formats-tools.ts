// Outputs the standard tools (Ansible's cisco.ios / cisco.nxos terminal plugins and facts modules)
// read at login and while gathering facts. Formats from real devices:
// - IOS `show privilege`: "Current privilege level is 15" (Cisco IOS Security Command Reference,
//   "show privilege"; the regex cisco.ios's terminal plugin matches, `privilege_level_re`).
// - NX-OS `show user-account <name>` (Cisco Nexus 9000 Security Configuration Guide, "Verifying
//   the User Accounts and RBAC Configuration"): `user:<name>`, expiry line, `roles:<role> ...`.

/** IOS / IOS-XE `show privilege`: 15 at `#`, 1 at `>`. */
export function showPrivilege(privileged: boolean): string[] {
  return [`Current privilege level is ${privileged ? 15 : 1}`, ''];
}

/** NX-OS `show user-account [name]`: the lab's only account is the login user, a network-admin. */
export function showUserAccount(loginUser: string, asked: string | undefined): string[] {
  if (asked !== undefined && asked !== loginUser) return [];
  return [`user:${loginUser}`, '        this user account has no expiry date', '        roles:network-admin ', ''];
}
