import type { Advice } from './connector-error.js';

// The sign-in page's words when an email fails, after Logto's prefix, in each of its languages and
// tones (du, vous, tú; polite Japanese and Korean); at most 120 characters, to fit the toast.
export const userMessages: Record<string, Record<Advice, string>> = {
  en: {
    retry: 'We could not send the email just now. Please try again in a minute.',
    address: 'We could not send an email to this address. Please check it, or use another one.',
    site: 'This site cannot send email right now. Please try again later, or contact its support.',
  },
  ar: {
    retry: 'تعذر إرسال البريد الإلكتروني الآن. يرجى المحاولة مرة أخرى بعد دقيقة.',
    address: 'تعذر إرسال بريد إلكتروني إلى هذا العنوان. يرجى التحقق منه أو استخدام عنوان آخر.',
    site: 'لا يمكن لهذا الموقع إرسال البريد الإلكتروني الآن. يرجى المحاولة لاحقًا أو الاتصال بفريق الدعم.',
  },
  cs: {
    retry: 'E-mail se teď nepodařilo odeslat. Zkus to prosím znovu za minutu.',
    address: 'Na tuto adresu se nepodařilo odeslat e-mail. Zkontroluj ji nebo použij jinou.',
    site: 'Tento web teď nemůže odesílat e-maily. Zkus to prosím později nebo kontaktuj jeho podporu.',
  },
  de: {
    retry:
      'Die E-Mail konnte gerade nicht gesendet werden. Bitte versuche es in einer Minute noch einmal.',
    address:
      'An diese Adresse konnte keine E-Mail gesendet werden. Bitte prüfe sie oder verwende eine andere.',
    site: 'Diese Website kann gerade keine E-Mails senden. Bitte versuche es später noch einmal oder wende dich an ihren Support.',
  },
  es: {
    retry:
      'No se pudo enviar el correo electrónico en este momento. Inténtalo de nuevo en un minuto.',
    address: 'No se pudo enviar un correo electrónico a esta dirección. Revísala o usa otra.',
    site: 'Este sitio no puede enviar correos electrónicos ahora. Inténtalo de nuevo más tarde o ponte en contacto con su soporte.',
  },
  'fa-IR': {
    retry: 'ارسال ایمیل در حال حاضر ممکن نشد. لطفاً یک دقیقه دیگر دوباره تلاش کنید.',
    address:
      'ارسال ایمیل به این آدرس ممکن نشد. لطفاً آن را بررسی کنید یا از آدرس دیگری استفاده کنید.',
    site: 'این سایت در حال حاضر نمی‌تواند ایمیل ارسال کند. لطفاً بعداً دوباره تلاش کنید یا با پشتیبانی آن تماس بگیرید.',
  },
  fr: {
    retry: "Impossible d'envoyer l'e-mail pour le moment. Veuillez réessayer dans une minute.",
    address:
      "Impossible d'envoyer un e-mail à cette adresse. Veuillez la vérifier ou en utiliser une autre.",
    site: "Ce site ne peut pas envoyer d'e-mails pour le moment. Veuillez réessayer plus tard ou contacter son support.",
  },
  it: {
    retry: "Al momento non è stato possibile inviare l'email. Riprova tra un minuto.",
    address:
      "Non è stato possibile inviare un'email a questo indirizzo. Controllalo o usane un altro.",
    site: 'Questo sito al momento non può inviare email. Riprova più tardi o contatta il suo supporto.',
  },
  ja: {
    retry: 'メールを送信できませんでした。1分ほど待ってからもう一度お試しください。',
    address:
      'このメールアドレスにメールを送信できませんでした。アドレスを確認するか、別のメールアドレスをお使いください。',
    site: 'このサイトは現在メールを送信できません。しばらくしてからもう一度お試しいただくか、サイトのサポートにお問い合わせください。',
  },
  ko: {
    retry: '이메일을 보내지 못했습니다. 1분 후에 다시 시도해주세요.',
    address: '이 주소로 이메일을 보내지 못했습니다. 주소를 확인하거나 다른 이메일을 사용해주세요.',
    site: '이 사이트는 지금 이메일을 보낼 수 없습니다. 잠시 후 다시 시도하거나 사이트 지원팀에 문의하세요.',
  },
  'pl-PL': {
    retry: 'Nie udało się teraz wysłać e-maila. Spróbuj ponownie za minutę.',
    address: 'Nie udało się wysłać e-maila na ten adres. Sprawdź go lub użyj innego.',
    site: 'Ta strona nie może teraz wysyłać e-maili. Spróbuj ponownie później lub skontaktuj się z jej pomocą techniczną.',
  },
  'pt-PT': {
    retry: 'Não foi possível enviar o email agora. Tente novamente dentro de um minuto.',
    address: 'Não foi possível enviar um email para este endereço. Verifique-o ou utilize outro.',
    site: 'Este site não consegue enviar emails de momento. Tente novamente mais tarde ou contacte o suporte.',
  },
  'pt-BR': {
    retry: 'Não foi possível enviar o e-mail agora. Tente novamente em um minuto.',
    address: 'Não foi possível enviar um e-mail para este endereço. Verifique-o ou use outro.',
    site: 'Este site não pode enviar e-mails no momento. Tente novamente mais tarde ou entre em contato com o suporte.',
  },
  ru: {
    retry: 'Не удалось отправить письмо. Попробуйте ещё раз через минуту.',
    address: 'Не удалось отправить письмо на этот адрес. Проверьте его или укажите другой.',
    site: 'Сайт сейчас не может отправлять письма. Попробуйте позже или обратитесь в поддержку.',
  },
  th: {
    retry: 'ขณะนี้ส่งอีเมลไม่สำเร็จ โปรดลองอีกครั้งในอีกหนึ่งนาที',
    address: 'ส่งอีเมลไปยังที่อยู่นี้ไม่สำเร็จ โปรดตรวจสอบที่อยู่ หรือใช้ที่อยู่อีเมลอื่น',
    site: 'เว็บไซต์นี้ส่งอีเมลไม่ได้ในขณะนี้ โปรดลองอีกครั้งในภายหลัง หรือติดต่อฝ่ายช่วยเหลือของเว็บไซต์',
  },
  'tr-TR': {
    retry: 'E-posta şu anda gönderilemedi. Lütfen bir dakika sonra tekrar deneyin.',
    address:
      'Bu adrese e-posta gönderilemedi. Lütfen adresi kontrol edin veya başka bir adres kullanın.',
    site: 'Bu site şu anda e-posta gönderemiyor. Lütfen daha sonra tekrar deneyin veya destek ekibiyle iletişime geçin.',
  },
  'uk-UA': {
    retry: 'Не вдалося надіслати лист. Спробуйте ще раз за хвилину.',
    address: 'Не вдалося надіслати лист на цю адресу. Перевірте її або вкажіть іншу.',
    site: 'Сайт зараз не може надсилати листи. Спробуйте ще раз пізніше або зверніться до служби підтримки.',
  },
  'zh-CN': {
    retry: '邮件暂时发送失败，请一分钟后再试。',
    address: '无法向该邮箱地址发送邮件，请检查地址或改用其他邮箱。',
    site: '本网站暂时无法发送邮件，请稍后再试，或联系网站的支持团队。',
  },
  'zh-HK': {
    retry: '電郵暫時傳送失敗，請一分鐘後再試。',
    address: '無法傳送電郵到此地址，請檢查地址或改用其他電郵。',
    site: '本網站暫時無法傳送電郵，請稍後再試，或聯絡網站的支援團隊。',
  },
  'zh-TW': {
    retry: '電子郵件暫時傳送失敗，請一分鐘後再試。',
    address: '無法傳送電子郵件到此地址，請檢查地址或改用其他電子郵件地址。',
    site: '本網站暫時無法傳送電子郵件，請稍後再試，或聯絡網站的支援團隊。',
  },
};
