// Stands in for the 'server-only' guard under Vitest, which runs server modules directly in Node.
export {};
