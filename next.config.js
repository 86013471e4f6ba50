// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The test run builds into its own folder so it never rebuilds under a running demo.
  distDir: process.env.SEALPOST_DIST_DIR || '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  // imapflow and friends are Node-only: keep them out of the bundler and load them at run time.
  serverExternalPackages: ['imapflow', 'ldapts', 'smtp-server'],
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
