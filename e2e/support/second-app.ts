// A second app server on the test instance's spare port, with settings of a test's own (the
// same build and mail stack as the app under test). Stack scripts are ES modules: loaded with
// import(), as in mailbox.ts.
const scripts = {
  instance: () => import('../../scripts/stack/instance.mjs'),
  appServer: () => import('../../scripts/stack/app-server.mjs'),
};

export interface SecondApp {
  url: string;
  stop: () => Promise<void>;
}

export async function startSecondApp(env: Record<string, string>): Promise<SecondApp> {
  const inst = (await scripts.instance()).resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');
  const app = await (await scripts.appServer()).startApp(inst, { stdio: 'ignore', port: inst.ports.app2, env });
  return { url: app.url, stop: app.stop };
}
