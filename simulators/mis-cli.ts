/**
 * `npm run sim:mis`: a simulated print MIS for the demo and the tests. It asks a running
 * Pressroom for its presses (QueryKnownDevices), subscribes to each press's status, consumables,
 * queue and notifications with its own small HTTP receiver as the subscription URL, prints
 * every signal it receives, and submits a job (CommandSubmitQueueEntry) when it has a token.
 * Ctrl-C stops its channels (CommandStopPersistentChannel) before it exits.
 *
 *   npm run sim:mis -- --url http://127.0.0.1:8080/ --token <xjmf token> [--repeat 30] [--press press-1]
 *                      [--job 24-1187 --amount 5000] [--listen-host 127.0.0.1] [--listen-port 0] [--seconds N] [--raw]
 *
 * The box must admit the receiver's address in `xjmf.allowedSubscribers` (docs/xjmf.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { attr, children, envelope, parseXjmf, query, stopChannels, submitJob, summarizeResponses, summarizeSignal, XJMF_TYPE } from './mis-xjmf.js';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.PRESSROOM_URL ?? 'http://127.0.0.1:8080/' },
    token: { type: 'string', default: process.env.PRESSROOM_XJMF_TOKEN },
    repeat: { type: 'string', default: '30' },
    press: { type: 'string' },
    job: { type: 'string', default: `MIS-${new Date().toISOString().slice(2, 10).replace(/-/g, '')}-${Math.floor(Math.random() * 900 + 100)}` },
    amount: { type: 'string', default: '5000' },
    'listen-host': { type: 'string', default: '127.0.0.1' },
    'listen-port': { type: 'string', default: '0' },
    seconds: { type: 'string' },
    raw: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const stamp = () => new Date().toISOString().slice(11, 23);
const say = (line: string) => console.log(`${stamp()}  ${line}`);

async function post(url: string, body: string): Promise<string> {
  const headers: Record<string, string> = { 'content-type': XJMF_TYPE };
  if (args.token) headers.authorization = `Bearer ${args.token}`;
  const res = await fetch(url, { method: 'POST', headers, body });
  return res.text();
}

async function main(): Promise<number> {
  if (args.help) {
    console.log('usage: npm run sim:mis -- --url http://127.0.0.1:8080/ [--token T] [--repeat S] [--press ID] [--job ID --amount N] [--seconds N] [--raw]');
    return 0;
  }
  const base = new URL(args.url!);
  const controller = new URL('xjmf', base).toString();

  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.writeHead(200).end();
      say(`<- ${summarizeSignal(parseXjmf(body))}`);
      if (args.raw) console.log(body);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(Number(args['listen-port']), args['listen-host'], resolve));
  const ownUrl = `http://${args['listen-host']}:${(receiver.address() as AddressInfo).port}/xjmf-signals`;
  say(`SimMIS listening for signals on ${ownUrl}`);

  const known = parseXjmf(await post(controller, envelope([query('KnownDevices')])));
  const devices = children(children(known, 'ResponseKnownDevices')[0], 'Device')
    .map((d) => ({ id: attr(d, 'DeviceID')!, name: attr(d, 'DescriptiveName') ?? '', url: attr(d, 'XJMFURL') ?? `${controller}/${attr(d, 'DeviceID')}` }))
    .filter((d) => args.press === undefined || d.id === args.press);
  if (devices.length === 0) {
    say(`no presses at ${controller}: ${summarizeResponses(known).join('; ')}`);
    receiver.close();
    return 1;
  }
  for (const device of devices) say(`device ${device.id} "${device.name}" at ${device.url}`);

  const repeatSeconds = Number(args.repeat) || undefined;
  for (const device of devices) {
    const answer = await post(
      device.url,
      envelope([
        query('Status', { url: ownUrl, ...(repeatSeconds ? { repeatSeconds } : {}) }),
        query('Resource', { url: ownUrl, ...(repeatSeconds ? { repeatSeconds } : {}) }, '<ResourceQuParams Scope="Present"/>'),
        query('QueueStatus', { url: ownUrl }),
        query('Notification', { url: ownUrl }),
      ]),
    );
    for (const line of summarizeResponses(parseXjmf(answer))) say(`-> ${device.id} ${line}`);
    if (answer.includes('ReturnCode="111"')) say(`   hint: add ${args['listen-host']} to xjmf.allowedSubscribers in the Pressroom configuration`);
  }

  const target = devices[0]!;
  const submitted = await post(
    target.url,
    envelope([submitJob({ jobId: args.job!, amount: Number(args.amount), name: `Job ${args.job} from the MIS` })], ' xmlns:pr="urn:pressroom-mis"'),
  );
  for (const line of summarizeResponses(parseXjmf(submitted))) say(`-> ${target.id} submit ${args.job}: ${line}`);
  if (submitted.includes('ReturnCode="300"')) say('   hint: pass --token with a token from xjmf.tokens (or PRESSROOM_XJMF_TOKEN)');

  const finish = async () => {
    if (args.token) {
      const stopped = await post(controller, envelope([stopChannels(ownUrl)])).catch(() => '');
      for (const line of summarizeResponses(parseXjmf(stopped))) say(`-> stop channels: ${line}`);
    }
    receiver.close();
  };
  await new Promise<void>((resolve) => {
    if (args.seconds) setTimeout(resolve, Number(args.seconds) * 1000);
    process.once('SIGINT', () => resolve());
  });
  await finish();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`sim:mis: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
