SELECT count(*) FROM sales WHERE TransactionNo LIKE 'C%'
