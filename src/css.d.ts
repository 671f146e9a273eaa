// Stylesheets are imported for their side effect; Vite bundles them into dist/presence-widgets.css.
declare module '*.css';
