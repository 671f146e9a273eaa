import { installApp } from './installApp';

/**
 * A fresh Vite + React + TypeScript app of a user, without msw (the optional peer), shared by the
 * tests that need one. Versions are those TOOLCHAIN.md lists as working together.
 */
export function installConsumerApp(tarball: string): Promise<string> {
  return installApp(
    {
      name: 'consumer',
      dependencies: {
        '@tanstack/react-query': '5.108.0',
        '@types/node': '20.19.43',
        '@types/react': '19.3.0',
        '@types/react-dom': '19.3.0',
        '@vitejs/plugin-react': '6.3.0',
        react: '19.3.1',
        'react-dom': '19.3.1',
        typescript: '6.0.3',
        vite: '8.3.8',
      },
    },
    tarball,
  );
}
