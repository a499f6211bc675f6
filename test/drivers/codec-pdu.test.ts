/**
 * PDU encoding pinned to the byte sequences of the Modbus Application Protocol
 * Specification V1.1b3 (the examples of §6.1–6.12), written out by hand, not produced by
 * the code under test. The simulator shares this codec, so round trips alone would let a
 * shared bug pass.
 */
import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, packBits, PduError, unpackBits, type ModbusRequest } from '../../drivers/codec/pdu.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('requests, as the spec writes them', () => {
  it.each<[string, ModbusRequest, string]>([
    ['read coils 20..38 (§6.1)', { fc: 1, address: 0x13, count: 0x13 }, '01 0013 0013'],
    ['read discrete inputs 197..218 (§6.2)', { fc: 2, address: 0xc4, count: 0x16 }, '02 00C4 0016'],
    ['read holding registers 108..110 (§6.3)', { fc: 3, address: 0x6b, count: 3 }, '03 006B 0003'],
    ['read input register 9 (§6.4)', { fc: 4, address: 8, count: 1 }, '04 0008 0001'],
    ['write coil 173 ON (§6.5)', { fc: 5, address: 0xac, value: true }, '05 00AC FF00'],
    ['write coil OFF', { fc: 5, address: 0xac, value: false }, '05 00AC 0000'],
    ['write register 2 = 3 (§6.6)', { fc: 6, address: 1, value: 3 }, '06 0001 0003'],
    [
      'write 10 coils from 20 (§6.11)',
      { fc: 15, address: 0x13, values: [true, false, true, true, false, false, true, true, true, false] },
      '0F 0013 000A 02 CD 01',
    ],
    ['write registers 2..3 (§6.12)', { fc: 16, address: 1, values: [0x000a, 0x0102] }, '10 0001 0002 04 000A 0102'],
  ])('%s', (_name, request, bytes) => {
    expect(encodeRequest(request).toString('hex')).toBe(hex(bytes).toString('hex'));
    expect(decodeRequest(hex(bytes))).toEqual(request);
  });
});

describe('responses, as the spec writes them', () => {
  it('read holding registers: 555, 0, 100 (§6.3)', () => {
    const request = { fc: 3, address: 0x6b, count: 3 } as const;
    expect(encodeResponse({ fc: 3, registers: [555, 0, 100] })).toEqual(hex('03 06 022B 0000 0064'));
    expect(decodeResponse(hex('03 06 022B 0000 0064'), request)).toEqual({ fc: 3, registers: [555, 0, 100] });
  });

  it('read coils 20..38: CD 6B 05, least significant bit first (§6.1)', () => {
    const bits = [1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1].map(Boolean);
    expect(encodeResponse({ fc: 1, bits })).toEqual(hex('01 03 CD 6B 05'));
    expect(decodeResponse(hex('01 03 CD 6B 05'), { fc: 1, address: 0x13, count: 19 })).toEqual({ fc: 1, bits });
  });

  it('read discrete inputs 197..218: AC DB 35 (§6.2)', () => {
    const response = decodeResponse(hex('02 03 AC DB 35'), { fc: 2, address: 0xc4, count: 22 });
    expect('bits' in response && response.bits.map(Number).join('')).toBe('0011010111011011101011');
  });

  it('read input register 9 = 10 (§6.4)', () => {
    expect(decodeResponse(hex('04 02 000A'), { fc: 4, address: 8, count: 1 })).toEqual({ fc: 4, registers: [10] });
  });

  it('writes answer with an echo (§6.5, 6.6, 6.11, 6.12)', () => {
    expect(encodeResponse({ fc: 5, address: 0xac, value: true })).toEqual(hex('05 00AC FF00'));
    expect(encodeResponse({ fc: 6, address: 1, value: 3 })).toEqual(hex('06 0001 0003'));
    expect(encodeResponse({ fc: 15, address: 0x13, count: 10 })).toEqual(hex('0F 0013 000A'));
    expect(encodeResponse({ fc: 16, address: 1, count: 2 })).toEqual(hex('10 0001 0002'));
    expect(decodeResponse(hex('10 0001 0002'), { fc: 16, address: 1, values: [10, 258] })).toEqual({ fc: 16, address: 1, count: 2 });
  });

  it('exceptions set the high bit of the function code (§7)', () => {
    expect(encodeResponse({ fc: 3, exception: 2 })).toEqual(hex('83 02'));
    expect(decodeResponse(hex('83 02'), { fc: 3, address: 0, count: 1 })).toEqual({ fc: 3, exception: 2 });
    expect(decodeResponse(hex('90 04'), { fc: 16, address: 0, values: [1] })).toEqual({ fc: 16, exception: 4 });
  });
});

describe('what the master refuses to take as an answer', () => {
  it.each<[string, string, ModbusRequest]>([
    ['another function code', '04 02 000A', { fc: 3, address: 8, count: 1 }],
    ['a byte count for other registers', '03 04 0000 0000', { fc: 3, address: 0, count: 1 }],
    ['an echo of another address', '06 0002 0003', { fc: 6, address: 1, value: 3 }],
    ['an echo of another value', '06 0001 0004', { fc: 6, address: 1, value: 3 }],
    ['an echo of another quantity', '10 0001 0003', { fc: 16, address: 1, values: [1, 2] }],
    ['an exception of the wrong length', '83 02 00', { fc: 3, address: 0, count: 1 }],
  ])('%s', (_name, bytes, request) => {
    expect(() => decodeResponse(hex(bytes), request)).toThrow(PduError);
  });

  it('a slave refuses malformed requests with the exception code to answer', () => {
    expect(() => decodeRequest(hex('07'))).toThrow(expect.objectContaining({ exceptionCode: 1 }));
    expect(() => decodeRequest(hex('03 0000 007E'))).toThrow(expect.objectContaining({ exceptionCode: 3 })); // 126 > 125
    expect(() => decodeRequest(hex('05 0000 1234'))).toThrow(PduError);
    expect(() => decodeRequest(hex('0F 0013 000A 01 CD'))).toThrow(PduError); // byte count 1 for 10 coils
  });
});

describe('bit packing', () => {
  it('packs least significant bit first and pads the last byte with zeros', () => {
    expect(packBits([true, false, false, false, false, false, false, false, true])).toEqual(hex('01 01'));
    expect(packBits([false, false, false, false, false, false, false, true])).toEqual(hex('80'));
    expect(unpackBits(hex('CD 01'), 10).map(Number)).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 0]);
  });
});
