SELECT Country, count(*) AS cancelled_lines, sum(-Quantity * Price) AS refunded FROM sales WHERE TransactionNo LIKE 'C%' GROUP BY Country
