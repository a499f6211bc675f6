/**
 * Why a connection to the MQTT broker failed, in words an operator can act on: /api/health and
 * the log show this line instead of Node's or OpenSSL's raw error (`SELF_SIGNED_CERT_IN_CHAIN`,
 * `ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/…`).
 */

export type BrokerFailureKind = 'tls-untrusted-broker' | 'tls-refused-by-broker' | 'tls' | 'refused' | 'unreachable';

export interface BrokerFailure {
  kind: BrokerFailureKind;
  /** One line: what failed and what to check. */
  message: string;
  /** The error's own code (Node, OpenSSL or the MQTT CONNACK reason), for the log. */
  code: string | number | undefined;
}

/** Node's codes for a broker certificate this box does not trust (tls.checkServerIdentity, OpenSSL verify). */
const untrustedBroker = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function describeBrokerFailure(error: Error & { code?: string | number }): BrokerFailure {
  const code = error.code;
  const reason = error.message.split('\n')[0]!.trim();
  if (typeof code === 'string' && untrustedBroker.has(code)) {
    const what = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? "its name is not in the certificate's subjectAltName" : reason;
    return {
      kind: 'tls-untrusted-broker',
      code,
      message: `TLS handshake failed: the broker's certificate is not trusted (${what}); check tls.ca and the broker URL's host`,
    };
  }
  if (typeof code === 'string' && code.startsWith('ERR_SSL_') && code.includes('ALERT')) {
    // the broker ended the handshake with an alert: most often about this box's client certificate
    const alert = code
      .replace(/^ERR_SSL_(TLSV1\d?_|SSLV3_)?ALERT_/, '')
      .toLowerCase()
      .replaceAll('_', ' ');
    const hint =
      alert === 'certificate required'
        ? 'it requires a client certificate: give tls.cert and tls.key'
        : /certificate|unknown ca/.test(alert)
          ? 'it does not accept the client certificate: check tls.cert and tls.key against the CA the broker trusts'
          : 'check the TLS settings on both sides';
    return { kind: 'tls-refused-by-broker', code, message: `TLS handshake failed: the broker refused it (${alert}); ${hint}` };
  }
  if (typeof code === 'string' && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_OSSL_'))) {
    return { kind: 'tls', code, message: `TLS handshake failed (${reason}); check tls.ca, tls.cert, tls.key and that the broker URL's port speaks TLS` };
  }
  if (typeof code === 'number') {
    // an MQTT CONNACK with a refusal: bad user name or password, not authorised, …
    return { kind: 'refused', code, message: `the broker refused the connection (${reason}); check username, password or the client certificate's identity` };
  }
  if (typeof code === 'string' && unreachable.has(code)) return { kind: 'unreachable', code, message: `broker unreachable (${reason})` };
  return { kind: 'unreachable', code, message: `broker connection failed (${reason})` };
}
