/**
 * The words /api/health and the log use for a failed broker connection, from the errors Node,
 * OpenSSL and MQTT.js give (tls.test.ts sees the first two kinds from a real Mosquitto).
 */
import { describe, expect, it } from 'vitest';
import { describeBrokerFailure } from '../../src/sparkplug/broker-failure.js';

const failure = (message: string, code?: string | number) => describeBrokerFailure(Object.assign(new Error(message), { code }));

describe('describeBrokerFailure', () => {
  it('names a broker certificate this box does not trust, and the host a certificate does not cover', () => {
    expect(failure('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toMatchObject({ kind: 'tls-untrusted-broker' });
    expect(failure('certificate has expired', 'CERT_HAS_EXPIRED').message).toContain('(certificate has expired)');
    expect(
      failure("Hostname/IP does not match certificate's altnames: IP: 10.0.0.5 is not in the cert's list: 127.0.0.1", 'ERR_TLS_CERT_ALTNAME_INVALID').message,
    ).toBe(
      "TLS handshake failed: the broker's certificate is not trusted (its name is not in the certificate's subjectAltName); check tls.ca and the broker URL's host",
    );
  });

  it('tells a missing client certificate from one the broker does not accept', () => {
    const raw =
      '80CCB193187F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n';
    expect(failure(raw, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED').message).toBe(
      'TLS handshake failed: the broker refused it (certificate required); it requires a client certificate: give tls.cert and tls.key',
    );
    expect(failure('…alert unknown ca…', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA').message).toBe(
      'TLS handshake failed: the broker refused it (unknown ca); it does not accept the client certificate: check tls.cert and tls.key against the CA the broker trusts',
    );
  });

  it('says when the port does not speak TLS, when the broker refuses the MQTT connection, and when it cannot be reached', () => {
    expect(failure('…wrong version number…', 'ERR_SSL_WRONG_VERSION_NUMBER')).toMatchObject({ kind: 'tls' });
    expect(failure('Connection refused: Not authorized', 5)).toMatchObject({
      kind: 'refused',
      message: "the broker refused the connection (Connection refused: Not authorized); check username, password or the client certificate's identity",
    });
    expect(failure('connect ECONNREFUSED 127.0.0.1:8883', 'ECONNREFUSED').message).toBe('broker unreachable (connect ECONNREFUSED 127.0.0.1:8883)');
  });
});
