/** Minimum password length for members (shown in forms, enforced on the server). */
export const MIN_PASSWORD_LENGTH = 12;
