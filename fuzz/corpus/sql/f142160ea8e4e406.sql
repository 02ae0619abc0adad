SELECT count(*) FROM sales WHERE starts_with(TransactionNo, 'C') AND Quantity >= 0
