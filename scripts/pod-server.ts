// `npm run pod`: the emulator alone over HTTP, for trying the client or another app against it.
import { createMockPod } from '../src/mock-pod';
import { startMockPodServer } from '../src/mock-pod/node';
import { STORY_POD_OPTIONS } from '../stories/support/storyPod';

const port = Number(process.env.PORT ?? 8787);
const server = await startMockPodServer(createMockPod(STORY_POD_OPTIONS), { port, basePath: '/pod' });
// The test token is not printed: logs stay free of tokens, even fake ones (it is DEFAULT_SESSION_TOKEN).
console.log(`Symphony pod emulator at ${server.url}; send DEFAULT_SESSION_TOKEN from presence-widgets/mock-pod as sessionToken`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
