/** The baseline web server: the given bodies from memory, nothing else. Prints its port. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bodies = new Map<string, Buffer>(
  Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, string>).map(
    ([k, v]) => [k, Buffer.from(v)],
  ),
);
const fallback = bodies.values().next().value!;
const server = createServer((req, res) => {
  const body = bodies.get(req.url ?? '') ?? fallback;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as { port: number }).port}`));
