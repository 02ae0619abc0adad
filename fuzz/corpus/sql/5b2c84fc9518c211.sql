SELECT CustomerNo, count(DISTINCT TransactionNo) AS frequency, sum(Price * Quantity) AS monetary, max(to_date(Date, 'M/d/yyyy')) AS last_day FROM sales GROUP BY CustomerNo
