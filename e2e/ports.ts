/** The port of the server under test, and of the DNS server the Authentication spec runs (the app is told of it at start). */
export const e2ePort = Number(process.env.E2E_PORT ?? 3100);
export const e2eDnsServer = `127.0.0.1:${e2ePort + 53}`;
