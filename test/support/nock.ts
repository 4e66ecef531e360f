/** nock for a suite: no request leaves the process, and each test starts with no interceptor left from another. */
import nock from 'nock'

export const useNock = (): void => {
  beforeEach(() => nock.disableNetConnect())
  afterEach(() => {
    nock.cleanAll()
    nock.enableNetConnect()
  })
}
