/** The JMF/XJMF ReturnCode values Pressroom answers with (CIP4's table, as in JDFLib's EnumJMFReturnCode). */
export const ReturnCode = {
  success: 0,
  generalError: 1,
  internalError: 2,
  xmlParserError: 3,
  notImplemented: 5,
  invalidParameters: 6,
  insufficientParameters: 7,
  deviceNotAvailable: 8,
  subscriptionDenied: 111,
  authenticationDenied: 300,
} as const;
export type ReturnCodeValue = (typeof ReturnCode)[keyof typeof ReturnCode];
