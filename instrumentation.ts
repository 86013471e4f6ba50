// Runs once when the Next.js server starts: a bad configuration stops it here, with the name of
// the variable, instead of failing on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { config } = await import('./server/config');
    config();
  }
}
