// SSH host-key fingerprints as OpenSSH prints them (`ssh-keygen -lf`, `ssh -v`): `SHA256:` and the
// SHA-256 of the public key blob in base64 without padding (43 characters).
export const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const HOST_KEY_FINGERPRINT_RULE = 'an OpenSSH SHA256 fingerprint: SHA256: and 43 base64 characters (ssh-keygen -lf, ssh -v print it)';

export function isHostKeyFingerprint(text: string): boolean {
  return HOST_KEY_FINGERPRINT.test(text);
}
