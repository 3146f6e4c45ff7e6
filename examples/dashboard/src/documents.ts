import { graphql } from './gql';

/** One page of calls, forwards (first / after) or backwards (last / before). */
export const CallsPageQuery = graphql(`
  query CallsPage($first: Int, $after: String, $last: Int, $before: String, $filter: CallFilter) {
    calls(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        startTime
        fromAddress
        toAddress
        status
        direction
        duration
        source
      }
    }
  }
`);

export const CallDetailQuery = graphql(`
  query CallDetail($id: ID!) {
    call(id: $id) {
      id
      externalId
      source
      status
      direction
      startTime
      answerTime
      endTime
      duration
      fromAddress
      toAddress
      price {
        amount
        currency
      }
      legs(first: 20) {
        nodes {
          id
          externalId
          status
          toAddress
          duration
        }
      }
      records {
        id
        attempt
        result
        originateTime
        duration
      }
      recordings(first: 20) {
        nodes {
          id
          name
          url
          lengthSeconds
        }
      }
    }
  }
`);

export const ChartsQuery = graphql(`
  query Charts($from: DateTime!, $to: DateTime!, $filter: CallFilter) {
    callSeries(from: $from, to: $to, interval: DAY, filter: $filter) {
      start
      measures {
        total
        answered
      }
    }
    callBreakdown(by: FROM_NUMBER, top: 10, filter: $filter) {
      rows {
        key
        measures {
          total
        }
      }
    }
  }
`);
