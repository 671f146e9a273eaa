/**
 * A self-signed X.509 certificate in PEM, built with WebCrypto so the emulator works in Node and
 * in the browser alike. Only the DER encoding is written here; keys and signatures are the
 * platform's. Enough of X.509 for a verifier to take the public key out: version 3, serial,
 * sha512WithRSAEncryption, a common name, a validity window and the key.
 */

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, content: readonly number[] | Uint8Array): number[] {
  return [tag, ...length(content.length), ...content];
}

const sequence = (...items: number[][]): number[] => tlv(0x30, items.flat());
const set = (...items: number[][]): number[] => tlv(0x31, items.flat());
const nullValue = (): number[] => [0x05, 0x00];
const utf8 = (text: string): number[] => tlv(0x0c, new TextEncoder().encode(text));

function integer(bytes: readonly number[]): number[] {
  // A leading 1 bit would make the DER integer negative.
  return tlv(0x02, (bytes[0] ?? 0) >= 0x80 ? [0, ...bytes] : bytes);
}

function oid(text: string): number[] {
  const arcs = text.split('.').map(Number);
  const out = [40 * (arcs[0] as number) + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      chunk.unshift((v % 128) | (chunk.length > 0 ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...chunk);
  }
  return tlv(0x06, out);
}

/** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 asks. */
function time(ms: number): number[] {
  const iso = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const year = Number(iso.slice(0, 4));
  return year < 2050 ? tlv(0x17, new TextEncoder().encode(`${iso.slice(2)}Z`)) : tlv(0x18, new TextEncoder().encode(`${iso}Z`));
}

const SHA512_WITH_RSA = '1.2.840.113549.1.1.13';
const COMMON_NAME = '2.5.4.3';

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** PEM armour, 64 characters a line. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = base64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Options of {@link selfSignedCertificate}. */
export interface SelfSignedCertificateOptions {
  readonly keys: CryptoKeyPair;
  readonly commonName: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** Up to 20 bytes. */
  readonly serial: readonly number[];
}

/** The certificate as PEM (`-----BEGIN CERTIFICATE-----`). The keys must be RSASSA-PKCS1-v1_5 with SHA-512. */
export async function selfSignedCertificate(options: SelfSignedCertificateOptions): Promise<string> {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', options.keys.publicKey));
  const algorithm = sequence(oid(SHA512_WITH_RSA), nullValue());
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8(options.commonName))));
  const tbs = sequence(
    tlv(0xa0, integer([2])),
    integer(options.serial),
    algorithm,
    name,
    sequence(time(options.notBefore), time(options.notAfter)),
    name,
    [...spki],
  );
  const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', options.keys.privateKey, new Uint8Array(tbs)));
  const certificate = sequence(tbs, algorithm, tlv(0x03, [0, ...signature]));
  return toPem('CERTIFICATE', new Uint8Array(certificate));
}
