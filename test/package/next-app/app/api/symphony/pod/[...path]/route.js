import { createPresenceProxy } from 'presence-widgets/server';

// Created on first use: the pod's address is runtime configuration, not known at build time.
let proxy;
function handle(request) {
  proxy ??= createPresenceProxy({
    podUrl: process.env.POD_URL,
    // A real app looks up the signed-in user's on-behalf-of session here.
    getSessionToken: () => process.env.POD_SESSION_TOKEN,
  });
  return proxy(request);
}

export { handle as GET, handle as POST };
