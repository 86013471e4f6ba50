// Runs once when the Next.js server starts: a bad configuration stops it here, naming each bad
// variable, instead of failing on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkConfigAtStartup } = await import('./server/config');
    checkConfigAtStartup();
  }
}
