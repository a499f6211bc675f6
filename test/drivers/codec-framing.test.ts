/** RTU and MBAP framing and the CRC, against frames and check values computed by hand. */
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../drivers/codec/crc16.js';
import { encodeMbap, MbapFramingError, MbapSplitter } from '../../drivers/codec/mbap.js';
import { encodeRequest } from '../../drivers/codec/pdu.js';
import { encodeRtu, extractRequest, extractResponse, hasValidCrc, interFrameGapMs } from '../../drivers/codec/rtu.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('CRC-16/MODBUS', () => {
  it('has the catalogue check value 0x4B37 for "123456789"', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x4b37);
  });

  it('is 0xFFFF (the initial value) for no bytes', () => {
    expect(crc16(Buffer.alloc(0))).toBe(0xffff);
  });

  it('matches frames seen on real lines', () => {
    expect(crc16(hex('01 03 0000 000A'))).toBe(0xcdc5);
    expect(crc16(hex('01 06 0001 0003'))).toBe(0x0b98);
  });
});

describe('RTU frames', () => {
  it('read 10 holding registers from unit 1: 01 03 00 00 00 0A C5 CD (CRC low byte first)', () => {
    expect(encodeRtu(1, encodeRequest({ fc: 3, address: 0, count: 10 }))).toEqual(hex('01 03 0000 000A C5 CD'));
  });

  it('write register 1 = 3 on unit 1: 01 06 00 01 00 03 98 0B', () => {
    expect(encodeRtu(1, encodeRequest({ fc: 6, address: 1, value: 3 }))).toEqual(hex('01 06 0001 0003 98 0B'));
  });

  it('exception "illegal data address" from unit 1: 01 83 02 C0 F1', () => {
    expect(encodeRtu(1, hex('83 02'))).toEqual(hex('01 83 02 C0 F1'));
    expect(hasValidCrc(hex('01 83 02 C0 F1'))).toBe(true);
    expect(hasValidCrc(hex('01 83 02 C0 F0'))).toBe(false);
  });

  it('finds the answer behind garbage and a reply from another unit', () => {
    const request = { fc: 3, address: 0, count: 1 } as const;
    const reply = encodeRtu(1, hex('03 02 1234'));
    const other = encodeRtu(2, hex('03 02 5678'));
    const found = extractResponse(Buffer.concat([hex('00 FF 01'), other, reply]), 1, request);
    expect(found).toEqual({ kind: 'frame', pdu: hex('03 02 1234'), consumed: 3 + other.length + reply.length, skipped: 3 + other.length });
  });

  it('waits for the rest of a frame that arrived in part', () => {
    const reply = encodeRtu(1, hex('03 02 1234'));
    expect(extractResponse(reply.subarray(0, 4), 1, { fc: 3, address: 0, count: 1 })).toEqual({ kind: 'need-more', skipped: 0 });
  });

  it('takes the exception frame (5 bytes) for an answer', () => {
    const found = extractResponse(hex('01 83 02 C0 F1'), 1, { fc: 3, address: 0, count: 1 });
    expect(found).toMatchObject({ kind: 'frame', pdu: hex('83 02') });
  });

  it('slave side: extracts a request and skips a corrupted one', () => {
    const good = hex('01 03 0000 000A C5 CD');
    const corrupted = hex('01 03 0000 000A C5 CE');
    expect(extractRequest(Buffer.concat([corrupted, good]))).toMatchObject({ kind: 'frame', unitId: 1, pdu: hex('03 0000 000A'), skipped: 8 });
  });

  it('t3.5 is 3.5 characters of 11 bits below 19200 baud and 1.75 ms above', () => {
    expect(interFrameGapMs(9600)).toBeCloseTo((3.5 * 11 * 1000) / 9600, 6); // 4.01 ms
    expect(interFrameGapMs(19200)).toBeCloseTo(2.005, 3);
    expect(interFrameGapMs(38400)).toBe(1.75);
    expect(interFrameGapMs(115200)).toBe(1.75);
  });
});

describe('MBAP (Modbus TCP)', () => {
  it('header: transaction id, protocol 0, length of unit id + PDU, unit id', () => {
    expect(encodeMbap(0x0001, 0x11, hex('03 006B 0003'))).toEqual(hex('0001 0000 0006 11 03 006B 0003'));
    expect(encodeMbap(0x1234, 0xff, hex('83 02'))).toEqual(hex('1234 0000 0003 FF 83 02'));
  });

  it('transaction ids are 16 bits: 0xFFFF is written as such, 0x10000 wraps to 0', () => {
    expect(encodeMbap(0xffff, 1, hex('03 0000 0001')).subarray(0, 2)).toEqual(hex('FFFF'));
    expect(encodeMbap(0x10000, 1, hex('03 0000 0001')).subarray(0, 2)).toEqual(hex('0000'));
  });

  it('splits a stream into frames whatever the chunking', () => {
    const splitter = new MbapSplitter();
    const stream = hex('0001 0000 0005 01 03 02 0102   0002 0000 0003 01 83 02');
    expect(splitter.push(stream.subarray(0, 5))).toEqual([]);
    const frames = splitter.push(stream.subarray(5));
    expect(frames).toEqual([
      { transactionId: 1, unitId: 1, pdu: hex('03 02 0102') },
      { transactionId: 2, unitId: 1, pdu: hex('83 02') },
    ]);
    expect(splitter.pending).toBe(0);
  });

  it('refuses a stream out of step (protocol id not 0, impossible length)', () => {
    expect(() => new MbapSplitter().push(hex('0001 0001 0006 11 03 006B 0003'))).toThrow(MbapFramingError);
    expect(() => new MbapSplitter().push(hex('0001 0000 0400 11'))).toThrow(MbapFramingError);
  });
});
