SELECT count(*), sum(Quantity), count(DISTINCT TransactionNo) FROM sales WHERE TransactionNo LIKE 'C%'
