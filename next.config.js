// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The test run builds into its own folder so it never rebuilds under a running demo.
  distDir: process.env.SEALPOST_DIST_DIR || '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  // imapflow and friends are Node-only: keep them out of the bundler and load them at run time.
  serverExternalPackages: ['imapflow', 'ldapts', 'smtp-server'],
  // Pages get these and their per-request Content-Security-Policy from proxy.ts; this covers
  // everything else (API answers, build assets, public files). Keep equal to SECURITY_HEADERS in
  // lib/security/content-security-policy.ts (a unit test compares them).
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'X-Frame-Options', value: 'DENY' },
          {
            key: 'Permissions-Policy',
            value: 'usb=(self), camera=(), microphone=(), geolocation=(), payment=(), serial=(), hid=(), browsing-topics=()',
          },
        ],
      },
      {
        source: '/api/:path*',
        headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" }],
      },
    ];
  },
};

module.exports = nextConfig;
