SELECT Country, approx_count_distinct(TransactionNo) FROM sales GROUP BY Country
