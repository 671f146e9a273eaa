/**
 * Helpers for Symphony extension apps (browser): the client's locale and theme, and the
 * requesting user from the app's user JWT. They import only src/model.
 */
export {
  fromSymphonyExtension,
  type ExtensionTheme,
  type FromSymphonyExtensionOptions,
  type SymphonyExtensionContext,
} from './fromSymphonyExtension';
export { readUserJwt, UserJwtError, type SymphonyUserJwt, type UserJwtErrorReason } from './readUserJwt';
